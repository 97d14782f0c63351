"""Scenarios (settings) and policies (lever presets), and how they combine.

A run's parameters are resolved in this order, later entries winning:
registry defaults → scenario → policy preset → the user's overrides.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from sim.core.geography import GEOGRAPHIES, PER_VILLAGE_PARAMS
from sim.core.geography import check as check_geography
from sim.errors import UnknownNameError, one_village_only
from sim.params.registry import PARAMS, POLICY_NAMES, validate

if TYPE_CHECKING:
    from sim.params.values import TrackedParams

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


def effective_policy(values: Mapping[str, object] | TrackedParams) -> str:
    """The policy a run's parameter values amount to: its levers with an intensity above 0, joined by '+',
    in registry order; ``none`` without any (``values`` is a mapping or a TrackedParams)."""
    get = values.get if isinstance(values, Mapping) else (lambda name: getattr(values, name))
    on = [lever for lever in POLICY_NAMES if float(get(f"{lever}_intensity")) > 0]
    return "+".join(on) if on else "none"


def first_policy_week(values: Mapping[str, object] | TrackedParams) -> int | None:
    """The first week in which any lever is on (levers act from ``max(start_step, 1)``), or None."""
    get = values.get if isinstance(values, Mapping) else (lambda name: getattr(values, name))
    weeks = [max(int(get(f"{lever}_start_step")), 1) for lever in POLICY_NAMES
             if float(get(f"{lever}_intensity")) > 0]
    return min(weeks) if weeks else None


def scenario_values(scenario: str) -> dict[str, object]:
    """The parameter values a scenario sets (UnknownNameError for an unknown scenario)."""
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise UnknownNameError("scenario", scenario, list(SCENARIOS))
    return dict(SCENARIOS[scenario])


class Resolved(Mapping):
    """Every parameter value of a run, complete and validated (``resolve_params``), with the scenario and
    policy they were resolved for; a model given one (``ClientelismModel(resolved=...)``) does not check them
    again, so each entry point validates a run's parameters once."""

    def __init__(self, scenario: str, policy: str, values: dict[str, float | int | bool]):
        self.scenario = scenario
        self.policy = policy
        self._values = dict(values)

    def __getitem__(self, name: str) -> float | int | bool:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Resolved({self.scenario!r}, {self.policy!r}, {len(self)} values)"


def resolve_params(scenario: str = "bangbayang", policy: str = "none",
                   overrides: Mapping[str, object] | None = None) -> Resolved:
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
    return Resolved(scenario, policy, values)
