"""The model in Mesa's own SolaraViz: its controls, its plots, and the village map as a component.

Run it as a page (offline, as the classroom page)::

    make mesa-viz        # python -m sim.viz.serve --app sim/viz/mesa_app.py --port 8766

or, in a Jupyter notebook, show ``Page()`` (or build your own ``SolaraViz`` from the pieces here)::

    from mesa.visualization import SolaraViz, make_plot_component
    from sim.viz.mesa_app import SolaraVizModel, VillageMap, model_params

    model = SolaraVizModel(policy="pemekaran", n_households=1000)
    SolaraViz(model, components=[VillageMap, make_plot_component("fees_per_household_rupiah")],
              model_params=model_params("policy", "n_households"))

Mesa's panel (Reset, ▶, Step, play and render intervals, the model's parameters) is English only and shows a
slider's value only while it is dragged: the classroom page (``sim/viz/app.py``) has controls of its own for a
lecture; this page is for Mesa users. Its sliders come from the parameter registry (label, default, range), and
``SolaraVizModel`` is ``ClientelismModel`` as SolaraViz re-creates it on Reset.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from sim.model import ClientelismModel
from sim.params.registry import PARAMS
from sim.params.scenarios import policy_names
from sim.viz.drawing import map_key_html, village_svg
from sim.viz.serve import quiet_server
from sim.viz.state import KEY_PARAMETERS


class SolaraVizModel(ClientelismModel):
    """``ClientelismModel`` as Mesa's SolaraViz re-creates it on Reset.

    SolaraViz passes the model's Mesa scenario object (``mesa.experimental.scenarios``) as ``scenario``; the
    village scenario is then ``scenario_name``. Everything else is ``ClientelismModel``'s: a policy name, a seed
    (also as the text of SolaraViz's input box) and any registry parameter.
    """

    def __init__(self, scenario_name: str = "bangbayang", policy: str = "none", rng: object = 0, scenario=None,
                 **params):
        super().__init__(scenario=scenario if isinstance(scenario, str) else scenario_name, policy=policy, rng=rng,
                         **params)


def model_params(*names: str) -> dict:
    """SolaraViz's ``model_params`` for registry parameters (a slider each: the registry's label and default, the
    classroom page's range for its key parameters, else the plausible range or the bounds), ``policy`` (a choice of
    the policy names) and ``rng`` (the seed, a text box)."""
    out: dict = {}
    for name in names:
        if name == "policy":
            out[name] = {"type": "Select", "value": "none", "values": list(policy_names()), "label": "Policy"}
        elif name == "rng":
            out[name] = {"type": "InputText", "value": "0", "label": "Seed"}
        else:
            p = PARAMS[name]
            lo, hi = p.sweep_range if p.role != "lever" else (p.low, p.high)
            step = (hi - lo) / 50 if p.type is float else max(1, (hi - lo) // 50)
            lo, hi, step = KEY_PARAMETERS.get(name, (lo, hi, step))
            if p.type is bool:
                out[name] = {"type": "Checkbox", "value": p.default, "label": p.label_en}
            elif p.type is int:
                out[name] = {"type": "SliderInt", "value": p.default, "min": int(lo), "max": int(hi),
                             "step": int(step), "label": p.label_en}
            else:
                out[name] = {"type": "SliderFloat", "value": p.default, "min": float(lo), "max": float(hi),
                             "step": round(float(step), 6), "label": p.label_en}
    return out


@solara.component
def VillageMap(model):
    """The village map of the classroom page (``sim.viz.drawing``) as a SolaraViz component, redrawn each step."""
    update_counter.get()
    solara.Style(".village-map { width: 100%; height: auto; } .map-key { display: flex; flex-wrap: wrap; "
                 "gap: 0 12px; font-size: 0.8rem; } .key-item { display: inline-flex; align-items: center; gap: 4px; }")
    solara.HTML(tag="div", unsafe_innerHTML=village_svg(model, "en") + map_key_html("en"),
                style={"max-width": "560px"})


# The page ``solara run sim/viz/mesa_app.py`` serves: each browser tab with its own model.
quiet_server()
COMPONENTS = [VillageMap,
              make_plot_component({"paid_dependence_share": "tab:red", "patron_lockin_share": "tab:purple"}),
              make_plot_component({"fees_per_household_rupiah": "tab:green"}),
              make_plot_component({"mean_literacy": "tab:brown", "online_share": "tab:blue"})]
MODEL_PARAMS = model_params("rng", "policy", "n_households", "literacy_mean", "tie_gain")


@solara.component
def Page():
    """Mesa's SolaraViz with the village map and three plots, the model built for this tab."""
    model = solara.use_memo(lambda: SolaraVizModel(n_households=1000), [])
    SolaraViz(model, components=COMPONENTS, model_params=MODEL_PARAMS,
              name="Clientelism in village services (Mesa SolaraViz)")
