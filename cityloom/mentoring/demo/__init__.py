"""Demo data of this app (YAML), read by cityloom.core.demo."""
