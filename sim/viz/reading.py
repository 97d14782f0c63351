"""Everything the classroom page reads from a model, in one place.

The page draws and describes a model only through these functions, so a
change of the model's internals touches this module alone. They read what a
``ClientelismModel`` offers: the residents' arrays, the officials, the
parameter values, the step count, the current ties, the distance to the
regency seat and the outcome series its data collector records (the outcome
names of ``sim.core.outcomes``).

Parameter values are read with ``model.p.as_dict()``, which does not mark a
parameter as read: the model's own "every parameter is read" check stays honest.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from sim.core.population import CURRENT
from sim.core.services import Channel
from sim.params.registry import NEVER_ENDS, POLICY_NAMES, STEPS, WEEKS_PER_YEAR  # noqa: F401 (the page reads it)

RUN_LENGTH_WEEKS = int(STEPS.default)          # a run's length by default (the registry's), 10 years
MAX_RUN_WEEKS = int(STEPS.high)

# Channels in the order the map's key lists them; -1: no need yet.
CHANNELS = (-1, Channel.IN_PERSON, Channel.ONLINE, Channel.ENTRUST, Channel.BROKER, Channel.DEFER)


@dataclass(frozen=True)
class VillageLayout:
    """What does not change during a run: where households and officials are."""

    x_km: np.ndarray
    y_km: np.ndarray
    hamlet: np.ndarray
    official_hamlet: np.ndarray      # -1 for office staff
    official_current: np.ndarray     # bool: in the current village head's camp
    dist_kecamatan_km: float


@dataclass(frozen=True)
class VillageNow:
    """What the map shows of a week."""

    week: int
    literacy: np.ndarray
    last_channel: np.ndarray          # int: a value of CHANNELS
    regency_km: float


_layouts: weakref.WeakKeyDictionary[object, VillageLayout] = weakref.WeakKeyDictionary()
_params: weakref.WeakKeyDictionary[object, dict] = weakref.WeakKeyDictionary()


def params(model) -> dict:
    """The run's parameter values (not marked as read)."""
    cached = _params.get(model)
    if cached is None:
        cached = _params[model] = model.p.as_dict()
    return cached


def layout(model) -> VillageLayout:
    """Where households and officials are (cached per model)."""
    cached = _layouts.get(model)
    if cached is None:
        r = model.residents
        cached = VillageLayout(
            x_km=np.asarray(r.x_km, dtype=float), y_km=np.asarray(r.y_km, dtype=float), hamlet=np.asarray(r.hamlet),
            official_hamlet=np.array([o.hamlet for o in model.officials], dtype=int),
            official_current=np.array([o.faction == CURRENT for o in model.officials], dtype=bool),
            dist_kecamatan_km=float(params(model)["dist_kecamatan_km"]))
        _layouts[model] = cached
    return cached


def now(model) -> VillageNow:
    """What the map shows of the current week."""
    r = model.residents
    return VillageNow(week=int(model.steps), literacy=r.literacy, last_channel=r.last_channel,
                      regency_km=float(model.regency_distance_km))


def ties_now(model, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """(households locked in now, at most ``limit``; the official each is most tied to)."""
    locked = np.nonzero(model.ties.locked_in(model.steps))[0][:limit]
    if not locked.size:
        return locked, locked
    return locked, np.argmax(model.current_ties(locked), axis=1)


def week(model) -> int:
    """Weeks run so far."""
    return int(model.steps)


def series(model, outcome: str) -> np.ndarray:
    """An outcome's value after each week so far (NaN where it is not defined yet)."""
    return np.asarray(model.datacollector.model_vars[outcome], dtype=float)


def applied_controls(model, default: dict) -> dict:
    """The page's controls a village was built with (``ClassroomModel.controls``), or ``default``."""
    return getattr(model, "controls", default)


def twin(model):
    """The baseline run beside a model (side by side), or None."""
    return getattr(model, "twin", None)


def policies_on(model) -> list[str]:
    """The policies switched on, in the registry's order."""
    on = getattr(model, "policies_on", None)
    if on is not None:
        return list(on)
    values = params(model)
    return [name for name in POLICY_NAMES if values[f"{name}_intensity"] > 0]


def policy_end_week(model) -> int | None:
    """The last week in which a policy that is on still acts, plus one (its end week), when every policy that is
    on ends; None when none is on or one never ends."""
    on = policies_on(model)
    if not on:
        return None
    values = params(model)
    ends = [int(values[f"{name}_end_step"]) for name in on]
    return None if NEVER_ENDS in ends else max(ends)


def policy_start_week(model) -> int | None:
    """The first week in which a policy that is on acts (a lever acts from ``max(start, 1)``), or None."""
    on = policies_on(model)
    if not on:
        return None
    values = params(model)
    return min(max(int(values[f"{name}_start_step"]), 1) for name in on)
