"""The classroom page: Mesa's SolaraViz with a live village, bilingual.

Run with ``make viz`` (``solara run sim/viz/app.py --host 127.0.0.1 --port 8765``).
Every browser tab gets its own model (``Page`` creates it); Reset rebuilds it
from the controls, which keep their values.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.params.registry import PARAMS, POLICY_NAMES
from sim.params.scenarios import PRESET_INTENSITY
from sim.viz.classroom import CLASSROOM_SCENARIOS, ClassroomModel
from sim.viz.drawing import charts_svg, village_svg
from sim.viz.i18n import LANGUAGES, POLICY_TEXT, param_label, t

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

PLAY_INTERVAL_MS = 20   # the loop sleeps this long between steps; drawing sets the real pace

language = solara.reactive("en")     # solara keeps reactive variables per browser tab
show_ties = solara.reactive(False)


def model_params(lang: str, model: ClassroomModel) -> dict:
    """SolaraViz controls, derived from the registry and labelled in ``lang``.

    Values are those of the current model, so relabelling (a language switch)
    never moves a control; a fresh page shows the model's defaults.
    """
    p = model.p
    params: dict = {
        "rng": {"type": "InputText", "value": str(model.seed), "label": t(lang, "seed")},
        "scenario_name": {"type": "Select", "value": model.scenario_name,
                          "values": list(CLASSROOM_SCENARIOS), "label": t(lang, "scenario")},
        "compare": {"type": "Checkbox", "value": model.twin is not None, "label": t(lang, "compare")},
    }
    for name in POLICY_NAMES:
        label = POLICY_TEXT[name][lang]
        on = name in model.policies_on
        params[name] = {"type": "Checkbox", "value": on, "label": t(lang, "policy_on", name=label)}
        current = getattr(p, f"{name}_intensity") if on else PRESET_INTENSITY[name]
        params[f"{name}_intensity"] = {
            "type": "SliderFloat", "value": current, "min": 0.0, "max": 1.0, "step": 0.05,
            "label": t(lang, "intensity", name=label, unit=PARAMS[f"{name}_intensity"].unit,
                       preset=PRESET_INTENSITY[name])}
    for name, (lo, hi, step) in KEY_PARAMETERS.items():
        kind = "SliderInt" if PARAMS[name].type is int else "SliderFloat"
        params[name] = {"type": kind, "value": getattr(p, name), "min": lo, "max": hi, "step": step,
                        "label": param_label(lang, name)}
    return params


def initial_controls() -> dict:
    """The controls' starting values: the model's own defaults, no policy."""
    values = {"rng": "0", "scenario_name": "bangbayang", "compare": False}
    for name in POLICY_NAMES:
        values[name] = False
        values[f"{name}_intensity"] = PRESET_INTENSITY[name]
    values.update({name: PARAMS[name].default for name in KEY_PARAMETERS})
    return values


def _header(model: ClassroomModel, lang: str) -> None:
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.ToggleButtonsSingle(value=language, values=list(LANGUAGES), classes=["language-switch"])
        solara.Text(f"{t(lang, 'language')}: {LANGUAGES[lang]}")
        solara.Checkbox(label=t(lang, "show_ties"), value=show_ties)
    names = ", ".join(POLICY_TEXT[n][lang] for n in model.policies_on) or t(lang, "none")
    solara.Markdown(f"**{t(lang, 'policies_active', names=names)}** · {t(lang, 'apply_hint')}")
    for key, kw in model.messages:
        solara.Warning(t(lang, key, **kw), classes=["input-message"])


@solara.component
def Village(model: ClassroomModel):
    """Language switch, messages and the map (two maps in the side-by-side view)."""
    update_counter.get()   # redraw after every step (Mesa's idiom for live components)
    lang = language.value
    _header(model, lang)
    if model.twin is None:
        title = t(lang, "map_title", week=model.steps, year=f"{model.steps / 52:.1f}")
        solara.HTML(tag="div", unsafe_innerHTML=village_svg(model, lang, title, show_ties.value),
                    classes=["village-map-box"])
        return
    for m, side in ((model, t(lang, "with_policy")), (model.twin, t(lang, "baseline"))):
        title = t(lang, "map_title_compare", side=side, week=m.steps)
        solara.HTML(tag="div", unsafe_innerHTML=village_svg(m, lang, title, show_ties.value),
                    classes=["village-map-box"])


@solara.component
def Charts(model: ClassroomModel):
    update_counter.get()   # redraw after every step (Mesa's idiom for live components)
    lang = language.value
    with solara.Column(gap="4px"):
        for svg in charts_svg(model, lang):
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["chart-box"])


@solara.component
def Page():
    lang = language.value
    first = solara.use_memo(lambda: ClassroomModel(**initial_controls()), [])
    model = solara.use_reactive(first)
    SolaraViz(
        model,
        components=[(Village, 0), (Charts, 0)],
        model_params=model_params(lang, model.value),
        name=t(lang, "title"),
        play_interval=PLAY_INTERVAL_MS,
        render_interval=1,
    )
