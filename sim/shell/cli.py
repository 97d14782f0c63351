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

from sim.errors import ConfigError, UnknownNameError, close_names
from sim.params.registry import MAX_SEED, PARAMS, STEPS, check_seed, check_steps
from sim.params.scenarios import Resolved, policy_levers, resolve_params, scenario_values
from sim.params.schema import EXPERIMENT_KEYS, RUN_KEYS

KNOWN = (*RUN_KEYS, *EXPERIMENT_KEYS, *PARAMS)
EXECUTORS = ("serial", "processes", "dask")

# Hydra flags followed by a value that is not an override (e.g. ``--cfg job``).
FLAGS_WITH_VALUE = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn",
                    "--config-dir", "-cd", "--info", "-i", "--experimental-rerun"}


def whole_number(key: str, value: object, low: int, high: int | None = None, what: str = "",
                 also: str = "") -> None:
    """Refuse a value that is not a whole number from ``low`` (to ``high``), naming ``what`` it counts."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        span = f"from {low:,} to {high:,}" if high is not None else f"from {low:,} upwards"
        raise ConfigError(key, value, f"a whole number{' of ' + what if what else ''} {span}{also}")


def check_run_key(key: str, value: object) -> None:
    """Check one value of a key that is not a model parameter (ConfigError if not acceptable)."""
    if key == "scenario":
        scenario_values(value)  # type: ignore[arg-type]
    elif key == "policy":
        policy_levers(value)  # type: ignore[arg-type]
    elif key == "seed":
        if isinstance(value, str):   # a seed on the command line is a number, not text
            raise ConfigError("seed", value, f"a whole number from 0 to {MAX_SEED:,} (0 is a seed)")
        check_seed(value)
    elif key == "steps":
        if value is not None:
            check_steps(value, "or null for 10 years")
    elif key == "verbose":
        if not isinstance(value, bool):
            raise ConfigError("verbose", value, "true or false")
    elif key == "results_dir":
        if not isinstance(value, str) or not value:
            raise ConfigError("results_dir", value, "a folder path")
    elif key == "experiment":
        from sim.experiments.spec import available

        if not isinstance(value, str) or not (value in available() or _is_spec_file(value)):
            raise UnknownNameError("experiment", value, [*available(), "or a path to an experiment .yaml file "
                                   "(or an experiment folder's experiment.json)"])
    elif key == "burn_in_steps":
        if value is not None:
            whole_number("burn_in_steps", value, 0, STEPS.high, "weeks")
    elif key in ("images", "allow_code_change"):
        if not isinstance(value, bool):
            raise ConfigError(key, value, "true or false")
    elif key == "replicates":
        whole_number("replicates", value, 1)
    elif key == "samples":
        whole_number("samples", value, 10)
    elif key == "workers":
        if value is not None:
            whole_number("workers", value, 1, also=" (default: all cores)")
    elif key == "executor":
        if value not in EXECUTORS:
            raise ConfigError("executor", value, " or ".join(EXECUTORS))
    elif key == "dask_address":
        if value is not None and (not isinstance(value, str) or "://" not in value):
            raise ConfigError("dask_address", value, "a scheduler address such as tcp://host:8786")
    elif key in ("resume", "rerun"):
        from pathlib import Path

        from sim.experiments.runner import is_experiment_folder

        if not isinstance(value, str) or not Path(value).is_dir() or not is_experiment_folder(Path(value)):
            raise ConfigError(key, value, "an experiment folder holding manifest.json, experiment.json and "
                              "design.parquet (results/<experiment>/<time>/)")


def _is_spec_file(value: str) -> bool:
    from pathlib import Path

    return value.endswith((".yaml", ".yml", ".json")) and Path(value).is_file()


def check_overrides(args: list[str], extra_keys: tuple[str, ...] = ()) -> dict[tuple[str, str], Resolved]:
    """Raise ConfigError for the first unacceptable override in ``args``; return the resolved parameters of each
    (scenario, policy) the command line asks for, so that a single run need not resolve them again.

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
            from sim.experiments.spec import ALL_KEYS

            if key in ALL_KEYS or key.split(".")[0] in ALL_KEYS:   # morris.trajectories: a nested key
                raise ConfigError(key, o.value(), "a key of the experiment file, not of the command line: set it "
                                  "in the file (the command line overrides replicates, steps, burn_in_steps and "
                                  "samples, and sets registry parameters as constants)")
            raise UnknownNameError("parameter", key, close_names(key, KNOWN, "the README's Commands and "
                                                                  "docs/parameters.md"))
        if o.type == OverrideType.DEL:
            raise ConfigError(key, "~" + key, f"a value ({key}=...); parameters cannot be deleted")
        if o.type == OverrideType.ADD:
            raise ConfigError("+" + key, o.value(), f"{key}=... without '+': {key} already exists")
        values = list(o.sweep_iterator()) if o.is_sweep_override() else [o.value()]
        if key in chosen:
            raise ConfigError(key, values[0], f"one {key}= on the command line (it is given twice: "
                              f"{chosen[key][0]} and {values[0]})")
        for v in values:
            if key in RUN_KEYS or key in EXPERIMENT_KEYS:
                check_run_key(key, v)
            elif key in PARAMS and v is not None:
                PARAMS[key].check(v)
        chosen[key] = values
    experiment_mode = "experiment" in chosen or "resume" in chosen or "rerun" in chosen
    if not experiment_mode:
        for key in EXPERIMENT_KEYS:
            if key in chosen:
                raise ConfigError(key, chosen[key][0], "only with experiment=<name> (or resume=<folder>, "
                                  "rerun=<folder>)")
        for policy in chosen.get("policy", ["none"]):
            check_levers_of_policy(policy, {k: v for k, v in chosen.items() if k in PARAMS})
    else:
        if "dask_address" in chosen and chosen.get("executor", [None])[0] != "dask":
            raise ConfigError("dask_address", chosen["dask_address"][0], "only with executor=dask")
        modes = [k for k in ("experiment", "resume", "rerun") if k in chosen]
        if len(modes) > 1:
            raise ConfigError(modes[1], chosen[modes[1]][0], f"one of experiment=, resume= and rerun= (not with "
                              f"{modes[0]}=)")
        if "allow_code_change" in chosen and "resume" not in chosen:
            raise ConfigError("allow_code_change", chosen["allow_code_change"][0], "only with resume=<folder>")
        for mode in ("resume", "rerun"):
            if mode in chosen:
                keep = ("resume", "rerun", "executor", "workers", "results_dir", "dask_address", "images",
                        "allow_code_change")
                extra = [k for k in chosen if k not in keep]
                if extra:
                    raise ConfigError(extra[0], chosen[extra[0]][0], f"nothing but executor=, workers=, "
                                      f"dask_address=, results_dir= and images= with {mode}=<folder>: it keeps the "
                                      "folder's own settings")
        if "verbose" in chosen:
            raise ConfigError("verbose", chosen["verbose"][0], "only for a single run (an experiment shows its "
                              "progress and writes each run's tables)")
        for key in ("policy", "scenario"):
            if key in chosen:
                raise ConfigError(key, chosen[key][0], "set in the experiment file, not on the command line, "
                                  "when running an experiment")
        if any(len(v) > 1 for v in chosen.values()):
            raise ConfigError("experiment", chosen.get("experiment", ["?"])[0], "single values: an experiment "
                              "is its own sweep (no --multirun lists)")
    # Combinations (e.g. shares that must sum to at most 1) are checked on the whole run.
    scenarios = chosen.get("scenario", ["bangbayang"])
    policies = chosen.get("policy", ["none"])
    params = {k: v[0] for k, v in chosen.items() if k in PARAMS and v[0] is not None}
    return {(scenario, policy): resolve_params(scenario, policy, params)  # type: ignore[arg-type]
            for scenario in scenarios for policy in policies}


def check_levers_of_policy(policy: str, chosen: dict[str, list[object]]) -> None:
    """A single run's lever settings must agree with its policy, so that it is labelled by what it runs:
    a lever's parameters go with a policy that includes the lever, and its intensity stays above 0 there."""
    from sim.params.registry import lever_of
    from sim.params.scenarios import policy_lever_names

    on = policy_lever_names(policy)
    for key, values in chosen.items():
        lever = lever_of(key)
        if lever is None:
            continue
        for value in values:
            shown = str(value).lower() if isinstance(value, bool) else value
            if lever not in on:
                with_it = lever if policy == "none" else f"{policy}+{lever}"
                raise ConfigError(key, shown, f"only with a policy that includes {lever} (e.g. policy={with_it} "
                                  f"{key}={shown}); policy={policy} leaves {lever} off")
            if key.endswith("_intensity") and value is not None and float(value) <= 0:
                without = "+".join(x for x in on if x != lever) or "none"
                raise ConfigError(key, value, f"above 0 with policy={policy} (for a run without {lever}, "
                                  f"use policy={without})")


def parsed_values(args: list[str]) -> dict[str, object]:
    """Key -> value of the (already checked) single-valued overrides, Hydra's flags left out."""
    values = {}
    for a in args:
        if a.startswith("-") or "=" not in a:
            continue
        o = OverridesParser.create().parse_overrides([a])[0]
        if not o.is_sweep_override():
            values[o.key_or_group.lstrip("+")] = o.value()
    return values


def wants_experiment(args: list[str]) -> bool:
    """Whether the command line asks for an experiment (``experiment=``, ``resume=`` or ``rerun=``)."""
    keys = parsed_values(args)
    return "experiment" in keys or "resume" in keys or "rerun" in keys
