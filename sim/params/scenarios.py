"""Scenarios (settings) and policies (lever presets), and how they combine.

A run's parameters are resolved in this order, later entries winning:
registry defaults → scenario → policy preset → the user's overrides.
"""

from __future__ import annotations

from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.geography import check as check_geography
from sim.errors import UnknownNameError, one_village_only
from sim.params.registry import PARAMS, POLICY_NAMES, validate

STEPS_PER_YEAR = 52  # a step is one week
DEFAULT_YEARS = 10

# Scenario: values that describe a setting. The registry defaults are Bangbayang's.
SCENARIOS: dict[str, dict[str, object]] = {
    "bangbayang": {},
    # The whole regency (sim.core.geography): households, not persons, are the agents;
    # hamlets spread over about 1 km in a village of average area (assumption).
    "brebes": {"n_households": 563_380, "hamlet_radius_km": 1.0},
    # Bangbayang the week after a contested village-head election: the challenger's camp has won in week 0.
    "bangbayang_after_election": {"next_election_week": 0, "next_election_turnover": True},
}

# Intensity a policy preset switches its lever to (an assumption each; the
# levers accept any intensity from 0 to 1 as an override).
PRESET_INTENSITY: dict[str, float] = {
    "pemekaran": 1.0,          # the full move of the regency offices to the new seat
    "digital_training": 0.15,  # 15% of households trained each year
    "simplification": 0.5,
    "enforcement": 0.5,
    "mobile_service": 0.25,    # a registry visit about once a month
}

COMBINATIONS = ("pemekaran+digital_training",)


def policy_names() -> tuple[str, ...]:
    """Names accepted by ``policy=``: none, each lever, and combinations joined by '+'."""
    return ("none", *POLICY_NAMES, *COMBINATIONS)


def policy_levers(policy: str) -> dict[str, float]:
    """Lever intensities for a policy name such as ``pemekaran+digital_training``."""
    if not isinstance(policy, str):
        raise UnknownNameError("policy", policy, [*policy_names(), "or levers joined by '+'"])
    if policy == "none":
        return {}
    levers: dict[str, float] = {}
    for part in policy.split("+"):
        if part not in PRESET_INTENSITY:
            raise UnknownNameError("policy", policy, [*policy_names(), "or levers joined by '+'"])
        levers[f"{part}_intensity"] = PRESET_INTENSITY[part]
    return levers


def policy_lever_names(policy: str) -> tuple[str, ...]:
    """The levers a policy name switches on, in registry order (``pemekaran+digital_training`` → both)."""
    on = set(policy_levers(policy))
    return tuple(lever for lever in POLICY_NAMES if f"{lever}_intensity" in on)


def effective_policy(values) -> str:
    """The policy a run's parameter values amount to: its levers with an intensity above 0, joined by '+',
    in registry order; ``none`` without any (``values`` is a mapping or a TrackedParams)."""
    get = values.get if isinstance(values, dict) else (lambda name: getattr(values, name))
    on = [lever for lever in POLICY_NAMES if float(get(f"{lever}_intensity")) > 0]
    return "+".join(on) if on else "none"


def first_policy_week(values) -> int | None:
    """The first week in which any lever is on (levers act from ``max(start_step, 1)``), or None."""
    get = values.get if isinstance(values, dict) else (lambda name: getattr(values, name))
    weeks = [max(int(get(f"{lever}_start_step")), 1) for lever in POLICY_NAMES
             if float(get(f"{lever}_intensity")) > 0]
    return min(weeks) if weeks else None


def scenario_values(scenario: str) -> dict[str, object]:
    """The parameter values a scenario sets (UnknownNameError for an unknown scenario)."""
    if scenario not in SCENARIOS:
        raise UnknownNameError("scenario", scenario, list(SCENARIOS))
    return dict(SCENARIOS[scenario])


def resolve_params(scenario: str = "bangbayang", policy: str = "none",
                   overrides: dict[str, object] | None = None) -> dict[str, float | int | bool]:
    """All parameter values of a run, validated."""
    values: dict[str, object] = {name: p.default for name, p in PARAMS.items()}
    values.update(scenario_values(scenario))
    values.update(policy_levers(policy))
    overrides = overrides or {}
    if scenario in GEOGRAPHIES:
        for name in PER_VILLAGE_PARAMS:
            if name in overrides:
                raise one_village_only(name, overrides[name], scenario)
    values.update(overrides)
    values = validate(values)
    check_geography(scenario, values)
    return values
