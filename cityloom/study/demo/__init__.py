"""The Study's demo editions (`*.yaml`, read by `cityloom.core.demo`) and the steps that fill them."""
