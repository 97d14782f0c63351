"""Parameter values of one model, recording which ones the model reads."""

from __future__ import annotations


class TrackedParams:
    """Read-only attribute access to a run's parameter values.

    Every read is recorded in ``read``, so a test can check that the model
    reads each registry parameter (no parameter nobody uses).
    """

    __slots__ = ("_values", "read")

    def __init__(self, values: dict[str, object], read: set[str] | None = None):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "read", set() if read is None else read)

    def __getattr__(self, name: str):
        values = object.__getattribute__(self, "_values")
        try:
            value = values[name]
        except KeyError:
            raise AttributeError(f"no model parameter named {name!r}") from None
        object.__getattribute__(self, "read").add(name)
        return value

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("model parameters are read-only; pass them to the model's constructor")

    def as_dict(self) -> dict[str, object]:
        return dict(object.__getattribute__(self, "_values"))
