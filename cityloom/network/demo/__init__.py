"""The demo network's data (`*.yaml`, read by `cityloom.core.demo`) and its named steps."""
