"""Pure-Python engines (NumPy, no Django): the composite index, the BarCamp scheduler, the mentor matcher."""
