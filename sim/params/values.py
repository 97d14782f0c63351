"""Parameter values of one model, recording which ones the model reads."""

from __future__ import annotations


class TrackedParams:
    """Read-only attribute access to a run's parameter values.

    Every name read is recorded in ``read``, so a test can check that the
    model reads each registry parameter (no parameter nobody uses). The first
    read of a name goes through ``__getattr__``, which records it and caches
    the value as an ordinary attribute; later reads cost a plain lookup.
    """

    def __init__(self, values: dict[str, object], read: set[str] | None = None):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "read", set() if read is None else read)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(f"no model parameter named {name!r}") from None
        self.read.add(name)
        object.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("model parameters are read-only; pass them to the model's constructor")

    def as_dict(self) -> dict[str, object]:
        """Every value, as a new dict (reading it marks nothing as read)."""
        return dict(self._values)
