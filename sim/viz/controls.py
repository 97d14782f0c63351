"""The page's controls: running the village, and the model's switches and sliders.

They replace Mesa's SolaraViz panel, whose labels ("Controls", "Play
Interval", "Reset", "Step", "Model Parameters", "Time") cannot be translated
and whose sliders shrink to a dot beside a long label and show their value only
while dragged. Here every slider has its label on a line of its own, its value
and unit always beside it, and the full width of the column to be dragged in.
The model's controls derive from the registry (labels, units, defaults).

A lesson needs the first card only: Play, Step and Reset, the side-by-side
switch and one switch per policy, on one screen at 1024×768. A switch changed
but not applied yet is marked so (beside the switch, under the switches, on
Reset and above the maps) until Reset builds the village with it. Each policy's
intensity and duration are in the next card, and can be moved only while the
policy is on.
"""

from __future__ import annotations

import math

import solara
from solara.alias import rv

from sim.params.registry import PARAMS, POLICY_NAMES
from sim.params.scenarios import PRESET_INTENSITY
from sim.viz import reading, state
from sim.viz.classroom import CLASSROOM_SCENARIOS, seat_conflict
from sim.viz.i18n import POLICY_TEXT, decimals_for, message, param_label, scenario_label, t, unit_value
from sim.viz.villages import VILLAGES


@solara.component
def NumberControl(label: str, value: float, lo: float, hi: float, step: float, shown: str, on_value,
                  note: str = "", integer: bool = False, name: str = "", disabled: bool = False):
    """A labelled slider that always shows its value and unit, the column's full width.

    The value is taken when the slider is let go (or moved with the keyboard): while it is dragged the
    thumb shows the number, and no round trip through the server drags it back.
    """
    def set_value(v):
        value = slider_value(v, integer)
        if value is not None:
            on_value(value)

    classes = ["control", "number-control"] + (["control-disabled"] if disabled else [])
    with solara.Div(classes=classes, attributes={"data-name": name}):
        with solara.Div(classes=["control-head"]):
            solara.Text(label, classes=["control-label"])
            solara.Text(shown, classes=["control-value"])
        slider = rv.Slider(v_model=value, min=lo, max=hi, step=step, hide_details=True, dense=True,
                           thumb_label=not disabled, disabled=disabled, class_="control-slider")
        rv.use_event(slider, "change", lambda _widget, _event, v: set_value(v))
        if note:
            solara.Text(note, classes=["control-note"])


def slider_value(v, integer: bool = False) -> int | float | None:
    """The number a slider's change event carries, as the control takes it: None (the event is ignored) for
    anything that is not a finite number, so that no event can raise in the page."""
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(x):
        return None
    return int(round(x)) if integer else round(x, 6)


# ----------------------------------------------------------------------------- actions
def new_village(model, live) -> None:
    """Reset: a new village from the controls (which keep their values)."""
    state.playing.value = False
    controls = dict(state.controls.value)
    if not VILLAGES.ready(controls):
        live.say(t(state.language.value, "building"))      # seen while it is built: a second or more
    village = VILLAGES.get(controls)
    live.say("")
    live.refresh(village)          # the new map first, then the rest of the page
    model.value = village


def restore_defaults(model, live) -> None:
    """The controls as the page opened, and a new village with them."""
    state.controls.value = state.initial_controls()
    state.run_settings.value = dict(state.RUN_DEFAULTS)
    state.show_ties.value = False
    state.dots.value = "channel"
    state.gap_dimension.value = 0
    new_village(model, live)


def step_once(model, live) -> None:
    """Step: one week."""
    model.value.step()
    live.refresh(model.value)


def short_name(lang: str, policy: str) -> str:
    """A policy's name without what its brackets add ("Pemekaran", "Enforcement")."""
    return POLICY_TEXT[policy][lang].split(" (")[0]


def pending_text(lang: str, names: list[str], edited: dict) -> str:
    """What the controls changed but not applied yet amount to, in a few words."""
    parts: list[str] = []
    for name in names:
        if name in POLICY_NAMES:
            part = t(lang, "switched_on" if edited[name] else "switched_off", name=short_name(lang, name))
        elif name == "compare":
            part = t(lang, "compare_on" if edited[name] else "compare_off")
        elif name == "rng":
            part = t(lang, "seed_changed")
        elif name == "scenario_name":
            part = t(lang, "scenario_changed")
        elif name.endswith(("_intensity", "_end_step")):
            policy = name.rsplit("_", 2)[0] if name.endswith("_end_step") else name.removesuffix("_intensity")
            part = t(lang, "settings_of", name=short_name(lang, policy))
        else:
            part = param_label(lang, name)
        if part not in parts:
            parts.append(part)
    return ", ".join(parts)


def pending(model) -> list[str]:
    """The controls changed since the shown village was built."""
    return state.pending_changes(state.controls.value, reading.applied_controls(model.value, state.controls.value))


def policy_summary(lang: str, values: dict, policy: str) -> str:
    """A policy's intensity and how long it lasts, in a few words (under its switch)."""
    p = PARAMS[f"{policy}_intensity"]
    years = state.duration_years(values, policy)
    lasts = t(lang, "no_end") if years == state.NO_END else (
        t(lang, "year_1") if years == 1 else t(lang, "years_n", n=years))
    return f"{unit_value(lang, p.unit, values[f'{policy}_intensity'], 2)} · {lasts}"


# ----------------------------------------------------------------------------- running
@solara.component
def RunButtons(model, live, compact: bool = False):
    """Play/pause and one step (and, beside the controls, Reset and Restore defaults)."""
    lang = state.language.value
    playing = state.playing.value
    with solara.Div(classes=["run-buttons"]):
        solara.Button(t(lang, "pause") if playing else t(lang, "play"), color="primary",
                      on_click=lambda: state.playing.set(not state.playing.value),
                      disabled=state.at_stop.value and not playing, classes=["play-button"])
        solara.Button(t(lang, "step"), color="primary", on_click=lambda: step_once(model, live), disabled=playing,
                      classes=["step-button"])
        if not compact:
            solara.Button(t(lang, "reset"), color="primary", on_click=lambda: new_village(model, live),
                          classes=["reset-button"] + (["reset-pending"] if pending(model) else []))
            solara.Button(t(lang, "restore"), outlined=True, on_click=lambda: restore_defaults(model, live),
                          classes=["restore-button"])


@solara.component
def RunPanel(model, live):
    """The lesson on one screen: Play, Step, Reset, the week, side by side and the policies' switches."""
    lang = state.language.value
    c = state.controls.value
    changed = pending(model)
    with solara.Card(t(lang, "run_title"), classes=["panel", "run-panel"]):
        RunButtons(model, live)
        solara.Div(children=[live.status])
        with solara.Div(classes=["compare-switch"]):
            solara.Checkbox(label=t(lang, "compare"), value=bool(c["compare"]),
                            on_value=lambda v: state.set_control("compare", v))
        solara.Text(t(lang, "policies_title", week=PARAMS["pemekaran_start_step"].default), classes=["panel-subtitle"])
        for name in POLICY_NAMES:
            with solara.Div(classes=["policy-switch"], attributes={"data-policy": name}):
                with solara.Div(classes=["policy-switch-row"]):
                    solara.Checkbox(label=POLICY_TEXT[name][lang], value=bool(c[name]),
                                    on_value=lambda v, name=name: state.set_control(name, v))
                    if name in changed:
                        solara.Text(t(lang, "pending_mark"), classes=["pending-mark"])
                if c[name]:
                    solara.Text(policy_summary(lang, c, name), classes=["policy-summary"])
        if changed:
            solara.Text(t(lang, "pending", what=pending_text(lang, changed, c)), classes=["pending-note"])


@solara.component
def PlayPanel():
    """How Play runs: the year it stops at, the pause between frames, how often the village is drawn."""
    lang = state.language.value
    rs = state.run_settings.value
    with solara.Card(t(lang, "play_title"), classes=["panel", "play-panel"]):
        lo, hi, step = state.STOP_YEAR_RANGE
        NumberControl(t(lang, "stop_at"), rs["stop_year"], lo, hi, step, t(lang, "year_n", n=rs["stop_year"]),
                      lambda v: state.set_run_setting("stop_year", v), integer=True, name="stop_year",
                      note=t(lang, "default", value=t(lang, "year_n", n=state.RUN_DEFAULTS["stop_year"])))
        lo, hi, step = state.PAUSE_RANGE
        NumberControl(t(lang, "pause_ms"), rs["pause_ms"], lo, hi, step, f"{rs['pause_ms']} ms",
                      lambda v: state.set_run_setting("pause_ms", v), integer=True, name="pause_ms",
                      note=t(lang, "default", value=f"{state.RUN_DEFAULTS['pause_ms']} ms"))
        lo, hi, step = state.DRAW_EVERY_RANGE
        every = rs["draw_every"]
        NumberControl(t(lang, "draw_every"), every, lo, hi, step,
                      t(lang, "week_1") if every == 1 else t(lang, "weeks_n", n=every),
                      lambda v: state.set_run_setting("draw_every", v), integer=True, name="draw_every",
                      note=t(lang, "default", value=t(lang, "week_1")))


# ----------------------------------------------------------------------------- the model's controls
def _parameter_control(lang: str, name: str, value) -> None:
    lo, hi, step = state.KEY_PARAMETERS[name]
    p = PARAMS[name]
    integer = p.type is int
    decimals = 0 if integer else decimals_for(step)
    NumberControl(param_label(lang, name), value, lo, hi, step, unit_value(lang, p.unit, value, decimals),
                  lambda v: state.set_control(name, v),
                  note=t(lang, "default", value=unit_value(lang, p.unit, p.default, decimals)),
                  integer=integer, name=name)


def _intensity_control(lang: str, policy: str, value, on: bool) -> None:
    key = f"{policy}_intensity"
    p = PARAMS[key]
    what = param_label(lang, key).split(":", 1)[-1].strip()      # the registry's label without the policy's name
    lo, hi, step = state.INTENSITY_RANGE
    note = t(lang, "preset", value=unit_value(lang, p.unit, PRESET_INTENSITY[policy], 2))
    NumberControl(what[:1].upper() + what[1:], value, lo, hi, step, unit_value(lang, p.unit, value, 2),
                  lambda v: state.set_control(key, v), note=note if on else f"{note} · {t(lang, 'off_hint')}",
                  name=key, disabled=not on)


def _duration_control(lang: str, policy: str, values: dict, on: bool) -> None:
    years = state.duration_years(values, policy)
    shown = t(lang, "from_week_on", week=state.start_week(values, policy)) if years == state.NO_END else (
        t(lang, "year_1") if years == 1 else t(lang, "years_n", n=years))
    end = state.end_step_for(values, policy, years)
    note = t(lang, "default", value=t(lang, "no_end")) if years == state.NO_END else t(lang, "ends_week", week=end)
    NumberControl(t(lang, "lasts"), years, state.DURATION_YEARS[0], state.NO_END, 1, shown,
                  lambda v: state.set_control(f"{policy}_end_step", state.end_step_for(state.controls.value, policy,
                                                                                       v)),
                  note=note, integer=True, name=f"{policy}_duration", disabled=not on)


@solara.component
def VillagePanel():
    """What Mesa's "Model Parameters" card offered: each policy's settings, the seed, the scenario and the key
    parameters, labelled, with units."""
    lang = state.language.value
    c = state.controls.value
    with solara.Card(t(lang, "village_title"), classes=["panel", "village-panel"]):
        solara.Text(t(lang, "policy_settings"), classes=["panel-subtitle"])
        for name in POLICY_NAMES:
            on = bool(c[name])
            with solara.Div(classes=["policy"] + ([] if on else ["policy-off"]), attributes={"data-policy": name}):
                solara.Text(POLICY_TEXT[name][lang], classes=["policy-name"])
                _intensity_control(lang, name, c[f"{name}_intensity"], on)
                _duration_control(lang, name, c, on)
        solara.Text(t(lang, "parameters_title"), classes=["panel-subtitle"])
        solara.InputText(t(lang, "seed"), value=str(c["rng"]), on_value=lambda v: state.set_control("rng", v),
                         continuous_update=False)
        rv.Select(label=t(lang, "scenario"), v_model=c["scenario_name"],
                  items=[{"text": scenario_label(lang, n), "value": n} for n in CLASSROOM_SCENARIOS],
                  on_v_model=lambda v: state.set_control("scenario_name", v), hide_details=True,
                  class_="scenario-select")
        for name in state.KEY_PARAMETERS:
            _parameter_control(lang, name, c[name])
            if name == "dist_new_seat_km":
                conflict = seat_conflict(bool(c["pemekaran"]), c["dist_regency_km"], c["dist_new_seat_km"])
                if conflict:
                    solara.Warning(message(lang, "seat_farther", conflict), classes=["input-message", "live-check"])
