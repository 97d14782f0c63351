"""Errors the project reports to its users as one clear sentence."""


class ConfigError(ValueError):
    """A user-supplied setting is not acceptable.

    The message names the setting, the value given and what is allowed, so that
    the command line can print it as a single line without a traceback.
    """

    def __init__(self, name: str, value: object, allowed: str):
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name}={value!r} is not valid: allowed {allowed}")

    def __reduce__(self):
        # Picklable, so that an error in a worker process reaches the parent intact.
        return (_rebuild, (type(self), self.args, self.__dict__))


_LISTED_IN = "(listed in "   # what close_names gives when no candidate is close to the name


class UnknownNameError(ConfigError):
    """A parameter, scenario or policy name that does not exist."""

    def __init__(self, kind: str, value: object, allowed: list[str] | tuple[str, ...]):
        # The candidates joined by commas, where the full list is after them in parentheses.
        names = [a for a in allowed if not str(a).startswith("(")]
        shown = " ".join([", ".join(names), *(a for a in allowed if str(a).startswith("("))]).strip()
        plural = {"policy": "policies"}.get(kind, kind + "s")
        if not names and shown.startswith(_LISTED_IN) and shown.endswith(")"):   # no name close to it
            shown = shown[1:-1]
            ValueError.__init__(self, f"unknown {kind} {value!r}: the allowed {plural} are {shown}")
        else:
            ValueError.__init__(self, f"unknown {kind} {value!r}: allowed {plural} are {shown}")
        self.name = kind
        self.value = value
        self.allowed = shown


class OutputError(Exception):
    """An output file (a run's table, the manifest, a report, a figure) could not be written.

    The message names the file and the cause, so that the command line can print it as one line; what was
    written before it is kept, and the manifest says what is missing. Not an ``OSError``: code that takes an
    ``OSError`` for a lost connection must not take a full disk for one.
    """

    def __init__(self, path: object, cause: object):
        self.path = str(path)
        self.cause = cause if isinstance(cause, str) else describe(cause)
        super().__init__(f"could not write {self.path} ({self.cause})")

    def __reduce__(self):
        return (type(self), (self.path, self.cause))


def describe(exc: BaseException) -> str:
    """An error in one line: its type, and its message (an ``OSError``'s without the file name it repeats)."""
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    else:   # an error of several sentences given as several arguments: the first says what happened
        text = " ".join(str(exc.args[0] if len(exc.args) > 1 else exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def close_names(name: str, candidates, where: str) -> list[str]:
    """What an UnknownNameError lists: the candidates closest to ``name`` first, then where the full list is."""
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    return [*close, f"(full list: {where})"] if close else [f"{_LISTED_IN}{where})"]


def one_village_only(name: str, value: object, scenario: str) -> ConfigError:
    """The error for a one-village distance given in a scenario of several villages."""
    return ConfigError(name, value, f"only in a one-village scenario (bangbayang); in {scenario} every village's "
                       "distances come from its geography (docs/brebes.md)")


def _rebuild(cls, args, state):
    err = cls.__new__(cls)
    ValueError.__init__(err, *args)
    err.__dict__.update(state)
    return err
