"""Checking the command line before Hydra creates any output folder.

Hydra parses the overrides (its own grammar); this module checks every name
and value against the registry, the scenarios and the policies, so that bad
input ends with one sentence naming the parameter, the value and what is
allowed, and nothing is written.
"""

from __future__ import annotations

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import OverrideType
from hydra.errors import HydraException

from sim.config import RUN_KEYS
from sim.errors import ConfigError, UnknownNameError
from sim.registry import PARAMS
from sim.scenarios import policy_levers, resolve_params, scenario_values

KNOWN = (*RUN_KEYS, *PARAMS)

# Hydra flags followed by a value that is not an override (e.g. ``--cfg job``).
FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                    "--config-dir", "-cd", "--info", "-i", "--experimental-rerun"}


def check_run_key(key: str, value: object) -> None:
    if key == "scenario":
        scenario_values(value)  # type: ignore[arg-type]
    elif key == "policy":
        policy_levers(value)  # type: ignore[arg-type]
    elif key == "seed":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError("seed", value, "a whole number from 0 upwards")
    elif key == "steps":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ConfigError("steps", value, "a whole number of weeks from 1 upwards, or null for 10 years")
    elif key == "results_dir":
        if not isinstance(value, str) or not value:
            raise ConfigError("results_dir", value, "a folder path")


def check_overrides(args: list[str], extra_keys: tuple[str, ...] = ()) -> None:
    """Raise ConfigError for the first unacceptable override in ``args``.

    Arguments starting with '-' (Hydra's flags) and ``hydra.*`` keys are left
    to Hydra.
    """
    overrides = []
    skip = False
    for a in args:
        if skip and "=" not in a:
            skip = False
            continue
        skip = a in FLAGS_WITH_VALUE
        if not a.startswith("-"):
            overrides.append(a)
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        first = str(exc).strip().splitlines()[0]
        raise ConfigError("command line", " ".join(overrides), f"key=value overrides ({first})") from None
    chosen: dict[str, list[object]] = {}
    for o in parsed:
        key = o.key_or_group
        if key.startswith("hydra.") or key.startswith("hydra/"):
            continue
        if key not in KNOWN and key not in extra_keys:
            raise UnknownNameError("parameter", key, _suggest(key))
        if o.type == OverrideType.DEL:
            raise ConfigError(key, "~" + key, f"a value ({key}=...); parameters cannot be deleted")
        if o.type == OverrideType.ADD:
            raise ConfigError("+" + key, o.value(), f"{key}=... without '+': {key} already exists")
        values = list(o.sweep_iterator()) if o.is_sweep_override() else [o.value()]
        for v in values:
            if key in RUN_KEYS:
                check_run_key(key, v)
            elif key in PARAMS and v is not None:
                PARAMS[key].check(v)
        chosen[key] = values
    # Combinations (e.g. shares that must sum to at most 1) are checked on the whole run.
    scenarios = chosen.get("scenario", ["bangbayang"])
    policies = chosen.get("policy", ["none"])
    params = {k: v[0] for k, v in chosen.items() if k in PARAMS and v[0] is not None}
    for scenario in scenarios:
        for policy in policies:
            resolve_params(scenario, policy, params)  # type: ignore[arg-type]


def _suggest(name: str) -> list[str]:
    import difflib

    close = difflib.get_close_matches(name, KNOWN, n=3, cutoff=0.6)
    hint = "scenario, policy, seed, steps, results_dir or a parameter of docs/parameters.md"
    return [*close, f"(or {hint})"] if close else [hint]
