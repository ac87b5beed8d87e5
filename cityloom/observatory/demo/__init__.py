"""The observatory's demo data (`*.yaml`, read by `cityloom.core.demo`) and its named steps."""
