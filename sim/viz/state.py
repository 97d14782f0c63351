"""What the page remembers per browser tab: the controls' values, how Play runs, the view.

Solara keeps module-level reactive variables per session (per browser tab), so
two tabs never share a value. The page's address keeps them too
(``sim.viz.memory``), so that a reload or a restarted server brings the lesson
back.
"""

from __future__ import annotations

import solara

from sim.params.registry import NEVER_ENDS, PARAMS, POLICY_NAMES
from sim.params.scenarios import PRESET_INTENSITY
from sim.viz import reading

# Registry parameters a lecturer can change, with the slider range the page offers
# (inside the registry's bounds) and the step.
KEY_PARAMETERS: dict[str, tuple[float, float, float]] = {
    "n_households": (200, 5000, 100),
    "literacy_mean": (0.05, 0.9, 0.05),
    "dist_regency_km": (5.0, 150.0, 1.0),
    "dist_new_seat_km": (2.0, 60.0, 1.0),
    "fee_seeking_mean": (0.0, 1.0, 0.05),
    "tie_gain": (0.0, 1.0, 0.05),
    "tie_decay_per_year": (0.0, 2.0, 0.05),
    "moral_cost_entrust": (0.0, 3.0, 0.1),
    "imitation_weight": (0.0, 3.0, 0.1),
    "official_capacity_per_week": (1, 60, 1),
}
INTENSITY_RANGE = (0.0, 1.0, 0.05)
# How long a policy lasts, in whole years from its start week; the slider's last position (one more than the
# longest duration) means that it lasts to the end of the run (its end week is the registry's NEVER_ENDS).
DURATION_YEARS = (1, 9)
NO_END = DURATION_YEARS[1] + 1

# How Play runs: the pause between frames (the loop waits this long after drawing one; drawing sets
# the real pace), how many weeks a frame advances, and the year at which Play stops (by default the
# length of a run, the registry's).
RUN_DEFAULTS = {"pause_ms": 20, "draw_every": 1, "stop_year": reading.RUN_LENGTH_WEEKS // reading.WEEKS_PER_YEAR}
PAUSE_RANGE = (0, 500, 10)
DRAW_EVERY_RANGE = (1, 26, 1)
STOP_YEAR_RANGE = (1, reading.MAX_RUN_WEEKS // reading.WEEKS_PER_YEAR, 1)

# What the map's dots show: how each household's last need ended, or its digital literacy.
DOT_MODES = ("channel", "literacy")


def initial_controls() -> dict:
    """The controls' starting values: the model's own defaults, no policy."""
    values = {"rng": "0", "scenario_name": "bangbayang", "compare": False}
    for name in POLICY_NAMES:
        values[name] = False
        values[f"{name}_intensity"] = PRESET_INTENSITY[name]
        values[f"{name}_end_step"] = PARAMS[f"{name}_end_step"].default
    values.update({name: PARAMS[name].default for name in KEY_PARAMETERS})
    return values


language = solara.reactive("en")
controls = solara.reactive(initial_controls())
run_settings = solara.reactive(dict(RUN_DEFAULTS))
playing = solara.reactive(False)
at_stop = solara.reactive(False)           # the village is at (or past) the stop year: Play is off
show_ties = solara.reactive(False)
projector = solara.reactive(False)
gap_dimension = solara.reactive(0)         # side by side: which access gap the gap chart shows
dots = solara.reactive("channel")          # what the map's dots show (DOT_MODES)


def stop_week() -> int:
    """The week at which Play stops."""
    return int(run_settings.value["stop_year"]) * reading.WEEKS_PER_YEAR


def set_control(name: str, value) -> None:
    """Change one of the model's controls (used at the next Reset)."""
    controls.value = {**controls.value, name: value}


def set_run_setting(name: str, value) -> None:
    """Change one setting of Play."""
    run_settings.value = {**run_settings.value, name: value}


def start_week(values: dict, policy: str) -> int:
    """The week a policy starts acting with these controls (``max(start, 1)``, the registry's default start)."""
    return max(int(values.get(f"{policy}_start_step", PARAMS[f"{policy}_start_step"].default)), 1)


def duration_years(values: dict, policy: str) -> int:
    """The duration slider's position for a policy: whole years from its start, or NO_END."""
    end = int(values[f"{policy}_end_step"])
    if end == NEVER_ENDS:
        return NO_END
    years = round((end - start_week(values, policy)) / reading.WEEKS_PER_YEAR)
    return min(max(years, DURATION_YEARS[0]), DURATION_YEARS[1])


def end_step_for(values: dict, policy: str, years: int) -> int:
    """The end week of a policy that lasts ``years`` years from its start (NO_END: it never ends)."""
    if years >= NO_END:
        return NEVER_ENDS
    return start_week(values, policy) + int(years) * reading.WEEKS_PER_YEAR


def pending_changes(edited: dict, applied: dict) -> list[str]:
    """The controls whose values differ from those the shown village was built with, in the controls' order."""
    return [name for name, value in edited.items() if applied.get(name) != value]
