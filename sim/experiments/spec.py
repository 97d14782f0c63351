"""Experiment specifications: what a file in ``configs/experiment/`` may say.

A specification is one model per kind (``sim.experiments.kinds``), told apart by its ``kind`` (a pydantic
discriminated union); every kind's model shares the common keys of ``Experiment``. It is checked here (pydantic,
unknown keys forbidden) and every parameter name and value against the registry, so a bad file ends with one
clear message before anything is written.

``python -m sim.experiments.spec > docs/experiment_keys.md`` writes the table of every kind's keys.
"""

from __future__ import annotations

import difflib
import operator
from functools import reduce
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin

from pydantic import Field, TypeAdapter, ValidationError, create_model

from sim.errors import ConfigError
from sim.experiments.kinds import KINDS, kind_of
from sim.experiments.kinds.base import Experiment, Strict
from sim.params.scenarios import resolve_params, scenario_values

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs" / "experiment"

# Keys an experiment file may give: those of every kind, and each kind's own (the others belong to other kinds
# and would be ignored); ALL_KEYS in the order of the kinds' registry.
COMMON_KEYS = tuple(Experiment.model_fields)
KIND_KEYS = {name: tuple(k for k in kind.spec.model_fields if k not in COMMON_KEYS) for name, kind in KINDS.items()}
ALL_KEYS = tuple(dict.fromkeys(k for kind in KINDS.values() for k in kind.spec.model_fields))

# One model per kind, told apart by ``kind``.
_SCHEMA = TypeAdapter(Annotated[reduce(operator.or_, (kind.spec for kind in KINDS.values())),
                                Field(discriminator="kind")])


def _any_kind() -> type[Strict]:
    """Every kind's keys in one model, ``kind`` one of the registered kinds: what a file of no known kind is
    checked against, so that its first problem is the one a file of a known kind would report."""
    fields: dict[str, tuple] = {}
    for kind in KINDS.values():
        for key, info in kind.spec.model_fields.items():
            fields.setdefault(key, (info.annotation, info))
    fields["kind"] = (Literal[tuple(KINDS)], ...)
    return create_model("AnyKind", __base__=Strict, **fields)


_ANY_KIND = _any_kind()


def parse(data: dict) -> Experiment:
    """The specification of a kind's model (pydantic checks only; raises ValidationError)."""
    return _SCHEMA.validate_python(data)


def from_record(data: dict) -> Experiment:
    """A specification as an experiment folder saved it (``experiment.json``). Folders written before a record
    held only its kind's keys hold every kind's: the keys of other kinds are dropped. A record that is not a
    valid experiment file is a ConfigError, as from ``from_mapping``."""
    kind = data.get("kind")
    own = KINDS[kind].spec.model_fields if isinstance(kind, str) and kind in KINDS else {}
    return from_mapping({k: v for k, v in data.items() if k in own or k not in ALL_KEYS})


def available() -> list[str]:
    """Names of the experiment files in ``configs/experiment/``."""
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def check(spec: Experiment) -> None:
    """Registry-level checks: names exist, values and ranges lie within bounds, comparisons stay paired."""
    scenario_values(spec.scenario)
    resolve_params(spec.scenario, "none", spec.shared_constants())
    kind_of(spec).check(spec)


def notes(spec: Experiment) -> list[str]:
    """Warnings worth a line before an experiment starts (not errors)."""
    return kind_of(spec).notes(spec)


def _nested(key: str) -> tuple[type[Strict], int] | None:
    """The model of the mapping under ``key`` (depth 2: a list of them), when a message names it."""
    info = next(kind.spec.model_fields[key] for kind in KINDS.values() if key in kind.spec.model_fields)
    model, depth = info.annotation, 1
    if get_origin(model) is list:
        model, depth = get_args(model)[0], 2
    return (model, depth) if isinstance(model, type) and issubclass(model, Strict) and model.noun else None


def _is_type_tag(part: object) -> bool:
    """A part of pydantic's error location that names a member of a union type, not a key (``literal['all']``,
    ``list[str]``, ``function-after[...]``)."""
    text = str(part)
    return "[" in text or text in ("str", "int", "float", "bool", "list", "dict")


def _article(word: str) -> str:
    """'a' or 'an' before ``word``."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def from_mapping(data: dict) -> Experiment:
    """Build and check a specification, turning pydantic's report into one ConfigError."""
    if not isinstance(data, dict) or not data:
        raise ConfigError("experiment", data or "an empty file", "a mapping of experiment keys (at least name, "
                          "kind and what the kind needs; see README, 'Experiment files')")
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KIND_KEYS:
        allowed = (*COMMON_KEYS, *KIND_KEYS[kind])
        for key in data:
            if key not in allowed and key in ALL_KEYS:
                raise ConfigError(f"experiment key '{key}'", data[key], f"the keys of {_article(kind)} {kind} "
                                  "experiment "
                                  f"({', '.join(allowed)}); '{key}' belongs to another kind and would be ignored")
    if "constants" in data and data["constants"] is not None and not isinstance(data["constants"], dict):
        raise ConfigError("experiment constants", data["constants"], "a mapping of parameter: value "
                          "(e.g. constants: {n_households: 1000})")
    try:
        spec = parse(data)
    except ValidationError as exc:
        errors = exc.errors()
        if errors[0]["type"] in ("union_tag_not_found", "union_tag_invalid"):   # no kind, or one of no model
            try:
                _ANY_KIND.model_validate(data)
            except ValidationError as untagged:
                errors = untagged.errors()
        else:
            errors = [{**e, "loc": e["loc"][1:]} for e in errors]   # the location within the kind's model
        # A misspelled key also leaves the key it meant missing: report the misspelling, with its suggestion.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = ".".join(str(x) for x in err["loc"]) or "experiment"
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            nested = _nested(str(err["loc"][0])) if len(err["loc"]) > 1 else None
            if nested and len(err["loc"]) > nested[1]:
                keys, what = list(nested[0].model_fields), nested[0].noun
            else:
                keys, what = list(ALL_KEYS), "an experiment file"
            close = difflib.get_close_matches(where.split(".")[-1], keys, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ConfigError(f"experiment key '{where}'", value, f"{hint}the keys of {what} "
                              f"({', '.join(keys)})") from None
        # pydantic's message with its first letter lowered only (a pattern or a name in it keeps its case); the
        # location without pydantic's type tags (``uncertainties.literal['all']`` is ``uncertainties``).
        where = ".".join(str(x) for x in err["loc"] if not _is_type_tag(x)) or "experiment"
        # A value no member of a union accepts: what each member would take ("'all'" or "a valid list").
        same = [e["msg"] for e in errors if [x for x in e["loc"] if not _is_type_tag(x)]
                == [x for x in err["loc"] if not _is_type_tag(x)]]
        msg = " or ".join(dict.fromkeys([same[0], *(m.removeprefix("Input should be ") for m in same[1:])]))
        raise ConfigError(f"experiment {where}", value, msg[:1].lower() + msg[1:]) from None
    check(spec)
    return spec


# ---------------------------------------------------------------- the table of docs/experiment_keys.md
_TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "true/false", type(None): "nothing"}


def _type_text(annotation, plural: bool = False) -> str:
    """A key's type in words: ``list of numbers``, ```all`` or list of text``, ``mapping`` (of the keys below)."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_text(args[0], plural=True)}"
    if origin is dict:
        return f"mapping of {_type_text(args[0])} to {_type_text(args[1])}"
    if args:   # a union; an integer is a number
        names = [_type_text(a, plural) for a in args if not (a is int and float in args)]
        return " or ".join(dict.fromkeys(names))
    name = "mapping" if isinstance(annotation, type) and issubclass(annotation, Strict) else _TYPE_NAMES[annotation]
    return name + "s" if plural and name in ("mapping", "number", "integer") else name


def _value_text(value) -> str:
    """A default as an experiment file would write it (YAML's flow style)."""
    if isinstance(value, Strict):
        value = value.model_dump()
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items()) + "}"
    return str(value) if value != "" else '""'


def _allowed_text(info) -> str:
    """A key's bounds, lengths and pattern, from its field's constraints."""
    words = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    out = []
    for item in info.metadata:
        for attr, word in words.items():
            if getattr(item, attr, None) is not None:
                out.append(f"{word} {_value_text(getattr(item, attr))}")
        if getattr(item, "min_length", None) is not None:
            out.append(f"at least {item.min_length}")
        if getattr(item, "max_length", None) is not None:
            out.append(f"at most {item.max_length} characters")
        if getattr(item, "pattern", None) is not None:
            out.append(f"`{item.pattern}`".replace("|", "\\|"))
    return ", ".join(out)


def _rows(model: type[Strict], prefix: str = "", skip: tuple[str, ...] = ()) -> list[str]:
    """Table rows of a model's keys, each nested mapping's keys after its own row (``prim.density``,
    ``sweeps[].values``)."""
    rows = []
    for key, info in model.model_fields.items():
        if key in skip:
            continue
        if not info.description:
            raise ValueError(f"{model.__name__}.{key} has no description: give its Field one")
        if info.default_factory is not None:
            default = f"`{_value_text(info.default_factory())}`"
        else:
            default = "required" if info.is_required() else f"`{_value_text(info.default)}`"
        rows.append(f"| `{prefix}{key}` | {_type_text(info.annotation)} | {default} | {_allowed_text(info)} "
                    f"| {info.description} |")
        inner, suffix = info.annotation, "."
        if get_origin(inner) is list:
            inner, suffix = get_args(inner)[0], "[]."
        if isinstance(inner, type) and issubclass(inner, Strict):
            rows += _rows(inner, f"{prefix}{key}{suffix}")
    return rows


def _paragraph(doc: str | None) -> str:
    return " ".join((doc or "").split("\n\n")[0].split())


def keys_markdown() -> str:
    """The tables of ``docs/experiment_keys.md``: the keys of every kind, then each kind's own."""
    header = ["| key | type | default | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
    kinds = ", ".join(f"`{name}`" for name in KINDS)
    lines = ["# Experiment keys", "",
             "Generated from the specification models of `sim/experiments/kinds/` by",
             "`python -m sim.experiments.spec > docs/experiment_keys.md`; a test keeps this",
             "file identical to the code. An experiment file is YAML (or an experiment",
             "folder's `experiment.json`) holding the keys every kind has and those of its",
             "kind; an unknown key, or one of another kind, is refused with a suggestion.",
             "`name.key` is a key of the mapping under `name`, `name[].key` one of each",
             "mapping of the list under `name`.", "",
             "## Every kind", "", f"`kind` is one of {kinds}.", "", *header, *_rows(Experiment, skip=("kind",)), ""]
    for name, kind in KINDS.items():
        lines += [f"## {name}", "", _paragraph(kind.spec.__doc__), "", *header,
                  *_rows(kind.spec, skip=COMMON_KEYS), ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(keys_markdown(), end="")
