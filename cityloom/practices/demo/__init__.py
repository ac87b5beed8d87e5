"""The demo practices (`*.yaml`, read by `cityloom.core.demo`) and their named steps."""
