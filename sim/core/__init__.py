"""The model's mechanisms, one module each (see ``docs/ODD.md``, section 7, for which rule lives where)."""
