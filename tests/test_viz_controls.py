"""The classroom page's controls come from the registry and reach the model (no browser needed)."""

import pytest

from sim.params.registry import PARAMS, POLICY_NAMES
from sim.params.scenarios import PRESET_INTENSITY
from sim.viz.app import KEY_PARAMETERS, initial_controls, model_params
from sim.viz.classroom import ClassroomModel, parse_seed
from sim.viz.drawing import charts_svg, village_svg
from sim.viz.i18n import TEXT


@pytest.fixture(scope="module")
def fresh():
    return ClassroomModel(**initial_controls())


def test_registry_controls_show_the_models_defaults(fresh):
    for lang in ("en", "id"):
        controls = model_params(lang, fresh)
        for name, spec in controls.items():
            if name in PARAMS and not name.endswith("_intensity"):
                assert spec["value"] == PARAMS[name].default, name
                lo, hi = PARAMS[name].low, PARAMS[name].high
                assert lo <= spec["min"] <= spec["value"] <= spec["max"] <= hi, name
        for policy in POLICY_NAMES:
            assert controls[policy]["value"] is False
            assert controls[f"{policy}_intensity"]["value"] == PRESET_INTENSITY[policy]


@pytest.mark.parametrize("name", list(KEY_PARAMETERS))
def test_each_parameter_control_is_read_by_the_model(name):
    lo, hi, _ = KEY_PARAMETERS[name]
    value = hi if PARAMS[name].default != hi else lo
    controls = {**initial_controls(), name: value}
    m = ClassroomModel(**controls)
    for _ in range(8):
        m.step()
    assert getattr(m.p, name) == value and name in m.p.read and not m.messages


@pytest.mark.parametrize("policy", POLICY_NAMES)
def test_each_policy_switch_and_intensity_reach_the_model(policy):
    m = ClassroomModel(**{**initial_controls(), policy: True, f"{policy}_intensity": 0.7,
                          f"{policy}_start_step": 0})
    assert m.policy_name == policy and getattr(m.p, f"{policy}_intensity") == 0.7
    off = ClassroomModel(**{**initial_controls(), f"{policy}_intensity": 0.7})
    assert getattr(off.p, f"{policy}_intensity") == 0.0    # off means off, whatever the slider says


@pytest.mark.parametrize("text,seed,message", [
    ("12", 12, None), (" 7 ", 7, None), ("", 0, "seed_empty"), ("abc", 0, "seed_invalid"),
    ("-3", 0, "seed_invalid"), ("1.5", 0, "seed_invalid"), (None, 0, "seed_empty"), (5, 5, None),
])
def test_seed_box(text, seed, message):
    value, msg = parse_seed(text)
    assert value == seed and (msg[0] if msg else None) == message
    m = ClassroomModel(**{**initial_controls(), "rng": text})
    assert m.seed == seed and [k for k, _ in m.messages] == ([message] if message else [])


def test_rejected_combination_becomes_a_message():
    m = ClassroomModel(**{**initial_controls(), "faction_current_share": 0.8, "faction_former_share": 0.5})
    assert m.messages and m.messages[0][0] == "param_invalid"
    m.step()


def test_page_offers_only_one_village_scenarios(fresh):
    offered = model_params("en", fresh)["scenario_name"]["values"]
    assert "bangbayang" in offered and "brebes" not in offered
    m = ClassroomModel(**{**initial_controls(), "scenario_name": "brebes"})   # e.g. a hand-edited request
    assert m.scenario_name == "bangbayang" and m.n_villages == 1 and m.messages[0][0] == "param_invalid"


def test_side_by_side_twin_has_same_village_and_no_policy():
    m = ClassroomModel(**{**initial_controls(), "compare": True, "pemekaran": True, "rng": "4"})
    assert m.twin is not None and m.twin.policy_name == "none" and m.twin.p.pemekaran_intensity == 0.0
    assert (m.twin.residents.literacy == m.residents.literacy).all()
    for _ in range(5):
        m.step()
    assert m.twin.steps == m.steps == 5


def test_every_text_has_both_languages():
    for key, entry in TEXT.items():
        assert entry.get("en") and entry.get("id"), key


def test_drawings_are_svg_in_both_languages(fresh):
    m = ClassroomModel(**{**initial_controls(), "compare": True})
    for _ in range(3):
        m.step()
    for lang, word in (("en", "entrusted to an official"), ("id", "dititipkan ke perangkat")):
        svg = village_svg(m, lang, "title", show_ties=True)
        assert svg.startswith("<svg") and svg.endswith("</svg>") and word in svg
        charts = charts_svg(m, lang)
        assert len(charts) == 4 and all(c.startswith("<svg") for c in charts)
