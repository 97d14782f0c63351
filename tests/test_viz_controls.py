"""The classroom page's controls come from the registry and reach the model; its texts, charts and
drawings, checked without a browser."""

import re
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from sim.core.outcomes import ALL_OUTCOME_NAMES
from sim.params.registry import PARAMS, POLICY_NAMES
from sim.params.scenarios import PRESET_INTENSITY
from sim.viz import reading
from sim.viz.charts import CAPTION_OUTCOMES, CHARTS, caption, charts_html, format_value, line_chart, value_axis
from sim.viz.classroom import CLASSROOM_SCENARIOS, ClassroomModel, parse_seed, seat_conflict
from sim.viz.drawing import map_key_html, village_svg
from sim.viz.i18n import OUTCOME_TEXT, POLICY_TEXT, SCENARIO_TEXT, TEXT, UNIT_TEXT, message, number, t, unit_value
from sim.viz.live import tab_is_open
from sim.viz.state import INTENSITY_RANGE, KEY_PARAMETERS, initial_controls


@pytest.fixture(scope="module")
def fresh():
    return ClassroomModel(**initial_controls())


def test_registry_controls_start_at_the_models_defaults():
    controls = initial_controls()
    for name, (lo, hi, _) in KEY_PARAMETERS.items():
        assert controls[name] == PARAMS[name].default, name
        assert PARAMS[name].low <= lo <= controls[name] <= hi <= PARAMS[name].high, name
    for policy in POLICY_NAMES:
        assert controls[policy] is False
        assert controls[f"{policy}_intensity"] == PRESET_INTENSITY[policy]
        key = f"{policy}_intensity"
        assert PARAMS[key].low <= INTENSITY_RANGE[0] and INTENSITY_RANGE[1] <= PARAMS[key].high


@pytest.mark.parametrize("name", list(KEY_PARAMETERS))
def test_each_parameter_control_is_read_by_the_model(name):
    lo, hi, _ = KEY_PARAMETERS[name]
    value = hi if PARAMS[name].default != hi else lo
    controls = {**initial_controls(), name: value}
    m = ClassroomModel(**controls)
    for _ in range(8):
        m.step()
    # Read by the model itself: checked before this test reads the value (which would mark it read).
    assert name in m.p.read and not m.messages
    assert m.p.as_dict()[name] == value


def test_what_the_page_reads_does_not_count_as_read_by_the_model():
    m = ClassroomModel(**initial_controls())
    read = set(m.p.read)
    reading.params(m), reading.layout(m), reading.policy_start_week(m), village_svg(m, "en"), charts_html(m, "en")
    assert m.p.read == read


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


def test_page_offers_only_one_village_scenarios():
    assert "bangbayang" in CLASSROOM_SCENARIOS and "brebes" not in CLASSROOM_SCENARIOS
    m = ClassroomModel(**{**initial_controls(), "scenario_name": "brebes"})   # e.g. a hand-edited request
    assert m.scenario_name == "bangbayang" and m.n_villages == 1 and m.messages[0][0] == "param_invalid"


def test_side_by_side_twin_has_same_village_and_no_policy():
    m = ClassroomModel(**{**initial_controls(), "compare": True, "pemekaran": True, "rng": "4"})
    assert m.twin is not None and m.twin.policy_name == "none" and m.twin.p.pemekaran_intensity == 0.0
    assert (m.twin.residents.literacy == m.residents.literacy).all()
    for _ in range(5):
        m.step()
    assert m.twin.steps == m.steps == 5


# ------------------------------------------------------------------------------------------ contradictions
def test_a_new_seat_no_nearer_than_the_regency_seat_is_a_contradiction():
    assert seat_conflict(True, 5.0, 60.0) == {"old": 5.0, "new": 60.0}
    assert seat_conflict(True, 15.0, 15.0) is not None                  # the seat does not move at all
    assert seat_conflict(True, 74.0, 15.0) is None
    assert seat_conflict(False, 5.0, 60.0) is None                      # pemekaran off: nothing moves
    m = ClassroomModel(**{**initial_controls(), "pemekaran": True, "dist_regency_km": 5.0, "dist_new_seat_km": 60.0})
    assert ("seat_farther", {"old": 5.0, "new": 60.0}) in m.messages
    assert message("en", *m.messages[0]).startswith("Pemekaran moves the regency seat from 5 km to 60 km")
    assert message("id", "seat_farther", {"old": 74.5, "new": 80.0}).startswith(
        "Pemekaran memindahkan pusat kabupaten dari 74,5 km ke 80 km")
    ok = ClassroomModel(**{**initial_controls(), "pemekaran": True})
    assert not ok.messages


# ------------------------------------------------------------------------------------------ texts
def test_every_text_has_both_languages():
    for table in (TEXT, OUTCOME_TEXT, POLICY_TEXT, SCENARIO_TEXT, UNIT_TEXT):
        for key, entry in table.items():
            assert entry.get("en") and entry.get("id"), key


def test_every_unit_of_the_registry_is_written_in_both_languages():
    english_units = re.compile(r"\b(households|share|utility|cases|year|week|weeks|officials|contacts|hamlets|"
                               r"month|complaint|fee|of|the|a|per week|per month)\b")
    for unit in {p.unit for p in PARAMS.values()}:
        assert unit in UNIT_TEXT, unit
        shown = unit_value("id", unit, 0.25, 2)
        assert re.search(r"\d", shown) and not english_units.search(shown.replace("per ", "")), (unit, shown)


def test_numbers_are_written_the_indonesian_way_and_never_as_minus_zero():
    assert number("en", 2200) == "2,200" and number("id", 2200) == "2.200"
    assert number("en", 0.3, 2) == "0.30" and number("id", 0.3, 2) == "0,30"
    for lang in ("en", "id"):
        assert number(lang, -0.004, 2) == number(lang, 0.0, 2) and not number(lang, -0.0001).startswith("-")
        for v in (-0.0004, -0.00001, -0.0, -1e-12):                    # below zero, but rounded to zero
            assert not format_value(lang, "gap", v).startswith("-"), v
            assert not format_value(lang, "gap", v, 0.025).startswith("-"), v
        assert format_value(lang, "gap", -0.004).startswith("-")       # a real negative value keeps its sign


# ------------------------------------------------------------------------------------------ charts
def test_charts_show_real_outcomes_each_named_in_both_languages():
    shown = {name for chart in CHARTS for name in chart.outcomes} | set(CAPTION_OUTCOMES)
    assert {"online_share", "mean_literacy", "fees_per_household_rupiah"} <= shown
    for name in shown:
        assert name in ALL_OUTCOME_NAMES and name in OUTCOME_TEXT, name


def test_value_axes_start_at_zero_with_round_ticks():
    fees = np.array([80_000.0, 45_000.0, 41_000.0])
    lo, hi, step = value_axis([fees], "rupiah")
    assert lo == 0 and hi >= fees.max() and (hi - lo) / step >= 3
    lo, hi, step = value_axis([np.array([-0.003, 0.07])], "gap")    # a gap below zero: the axis goes below
    assert lo < 0 < hi and abs(lo / step - round(lo / step)) < 1e-9
    svg = line_chart([("x", np.array([-0.003, -0.001, 0.002]), "#000", False)], "en", "gap", 52, None)
    ticks = re.findall(r'class="tick y-tick"[^>]*>([^<]*)<', svg)
    assert len(ticks) >= 3 and all(not re.match(r"^[-−]0([.,]0*)?%$", v) for v in ticks), ticks


def test_a_line_written_week_by_week_is_the_line_written_at_once():
    a = ClassroomModel(**{**initial_controls(), "compare": True, "pemekaran": True})
    b = ClassroomModel(**{**initial_controls(), "compare": True, "pemekaran": True})
    for week in range(1, 140):
        a.step()
        b.step()
        if week % 3 == 0:
            charts_html(a, "en")                                       # a: drawn as it goes, b: not
    assert charts_html(a, "en") == charts_html(b, "en")


def test_caption_says_what_changed_since_the_policies_started():
    none = ClassroomModel(**initial_controls())
    assert caption(none, "en") == t("en", "caption_none")
    m = ClassroomModel(**{**initial_controls(), "pemekaran": True, "n_households": 400})
    for _ in range(10):
        m.step()
    assert caption(m, "en") == "The policies start in week 52 (42 weeks from now)."
    for _ in range(100):
        m.step()
    text = caption(m, "en")
    assert text.startswith("Since the policies started in week 52 (1.1 years ago): ") and text.count("→") == len(
        CAPTION_OUTCOMES)
    before = m.datacollector.model_vars["paid_dependence_share"][50]          # after week 51, the last without a policy
    assert f"paid to officials or brokers {before * 100:.0f}% →" in text


# ------------------------------------------------------------------------------------------ drawings
def test_drawings_are_svg_in_both_languages(fresh):
    m = ClassroomModel(**{**initial_controls(), "compare": True})
    for _ in range(3):
        m.step()
    for lang, word in (("en", "entrusted to an official"), ("id", "dititipkan ke perangkat")):
        svg = village_svg(m, lang, show_ties=True)
        assert svg.startswith("<svg") and svg.endswith("</svg>") and 'class="ties"' in svg
        assert word in map_key_html(lang, show_ties=True)
        charts = charts_html(m, lang)
        assert len(charts) == len(CHARTS) and all("<svg" in c for c in charts)


def test_hamlet_names_are_drawn_after_the_households(fresh):
    svg = village_svg(fresh, "en")
    assert svg.index('class="hamlet-label"') > svg.index('class="residents"')


# ------------------------------------------------------------------------------------------ a tab that goes
def test_a_tab_is_open_while_a_page_of_it_is_connected():
    closed = threading.Event()
    status = SimpleNamespace(value="connected")
    context = SimpleNamespace(closed_event=closed, page_status={"p": status})
    assert tab_is_open(context)
    status.value = "disconnected"
    assert not tab_is_open(context)
    status.value = "connected"
    closed.set()
    assert not tab_is_open(context)
    assert tab_is_open(None)                                          # outside a server: nothing to watch


# ------------------------------------------------------------------------------------------ the lesson in the address
def test_a_lesson_goes_into_the_address_and_comes_back():
    from sim.viz.memory import Lesson, from_query, to_query

    assert to_query(Lesson()) == "" and from_query("") == Lesson()
    controls = {**initial_controls(), "compare": True, "pemekaran": True, "digital_training": True,
                "digital_training_intensity": 0.3, "digital_training_end_step": 208, "rng": "7", "n_households": 1500}
    applied = {**controls, "pemekaran": False}                  # pemekaran ticked after the last Reset
    lesson = Lesson(language="id", controls=controls, applied=applied,
                    run_settings={"pause_ms": 50, "draw_every": 2, "stop_year": 4},
                    view={"projector": True, "show_ties": True, "gap_dimension": 2, "dots": "literacy"}, week=156)
    query = to_query(lesson)
    assert "lang=id" in query and "week=156" in query and "applied.pemekaran=0" in query and "pemekaran=1" in query
    assert from_query(query) == lesson
    assert from_query("?" + query) == lesson


@pytest.mark.parametrize("query", ["n_households=99999999", "lang=fr", "week=-3", "week=abc", "pemekaran=maybe",
                                   "scenario_name=brebes", "digital_training_intensity=2", "no_such=1", "gap=7",
                                   "dots=rainbow", "stop_year=0", "applied.rng=" + "9" * 80])
def test_what_the_address_cannot_use_is_left_at_its_default(query):
    from sim.viz.memory import Lesson, from_query

    lesson = from_query(query)
    fresh = Lesson()
    if query.startswith("applied.rng"):
        assert lesson.applied["rng"] == "9" * 40 and lesson.controls == fresh.controls   # a seed box holds text
    else:
        assert lesson == fresh, query


def test_the_village_keeps_the_controls_it_was_built_with_and_an_end_week_only_when_on():
    on = ClassroomModel(**{**initial_controls(), "digital_training": True, "digital_training_end_step": 60,
                           "pemekaran_end_step": 70})
    assert on.controls["digital_training_end_step"] == 60 and on.controls["pemekaran"] is False
    assert on.p.digital_training_end_step == 60
    assert on.p.pemekaran_end_step == PARAMS["pemekaran_end_step"].default          # off: its end is not used
    bad = ClassroomModel(**{**initial_controls(), "digital_training": True, "digital_training_end_step": 30})
    assert bad.messages and bad.messages[0][0] == "param_invalid" and "digital_training_end_step" in str(bad.messages)


def test_a_duration_in_years_is_an_end_week_after_the_start():
    from sim.params.registry import NEVER_ENDS
    from sim.viz.state import DURATION_YEARS, NO_END, duration_years, end_step_for

    values = initial_controls()
    assert duration_years(values, "digital_training") == NO_END
    assert end_step_for(values, "digital_training", NO_END) == NEVER_ENDS
    for years in range(DURATION_YEARS[0], DURATION_YEARS[1] + 1):
        end = end_step_for(values, "digital_training", years)
        assert end == 52 + 52 * years
        assert duration_years({**values, "digital_training_end_step": end}, "digital_training") == years
    assert end_step_for({**values, "pemekaran_start_step": 0}, "pemekaran", 1) == 53    # acts from week 1


def test_the_changes_not_applied_yet_are_named():
    from sim.viz.controls import pending_text
    from sim.viz.state import pending_changes

    applied = initial_controls()
    edited = {**applied, "pemekaran": True, "compare": True, "rng": "4", "digital_training_intensity": 0.5,
              "digital_training_end_step": 208, "tie_gain": 0.5}
    names = pending_changes(edited, applied)
    assert set(names) == {"pemekaran", "compare", "rng", "digital_training_intensity", "digital_training_end_step",
                          "tie_gain"}
    assert pending_changes(applied, dict(applied)) == []
    text = pending_text("en", names, edited)
    assert text == ("the seed, side by side on, Pemekaran on, Digital training settings, "
                    f"{PARAMS['tie_gain'].label_en}")
    assert pending_text("id", names, edited).startswith("benih acak, berdampingan aktif, Pemekaran aktif")


# ------------------------------------------------------------------------------------------ villages, built once
def test_a_village_is_built_once_per_set_of_controls_and_every_copy_runs_as_a_new_one():
    from sim.viz.villages import Villages

    villages = Villages(keep=2)
    controls = {**initial_controls(), "n_households": 300, "pemekaran": True, "compare": True}
    first, second = villages.get(controls), villages.get(controls)
    assert villages.builds == 1 and first is not second and first.twin is not second.twin
    fresh = ClassroomModel(**controls)
    for _ in range(60):
        first.step()
        fresh.step()
    assert second.steps == 0                                    # copies share nothing
    assert np.array_equal(first.datacollector.model_vars["fees_per_household_rupiah"],
                          fresh.datacollector.model_vars["fees_per_household_rupiah"], equal_nan=True)
    assert np.array_equal(first.twin.residents.literacy, fresh.twin.residents.literacy)
    other = {**controls, "rng": "5"}
    villages.prepare(other)                                     # built in the background, before Reset
    deadline = __import__("time").time() + 120
    while not villages.ready(other):
        assert __import__("time").time() < deadline
        __import__("time").sleep(0.05)
    villages.get(other)
    assert villages.builds == 2
    villages.get({**controls, "rng": "6"})                       # a third: the oldest is dropped (keep=2)
    assert not villages.ready(controls) and villages.ready(other)


# ------------------------------------------------------------------------------------------ the map's numbers and text
def test_a_maps_numbers_say_the_difference_to_the_baseline():
    from sim.viz.charts import MAP_NUMBERS, difference, numbers_html

    assert difference("en", "rupiah", 50_000, 100_000) == "−50%"
    assert difference("en", "share", 0.80, 0.832) == "−3.2 pts" and difference("id", "share", 0.1, 0.05) == "+5,0 poin"
    assert difference("en", "level", 0.50, 0.38) == "+0.12"
    assert difference("en", "share", 0.5, 0.5) == "" and difference("en", "rupiah", 1.0, float("nan")) == ""
    m = ClassroomModel(**{**initial_controls(), "compare": True, "pemekaran": True, "n_households": 400})
    for _ in range(110):
        m.step()
    with_policy, baseline = numbers_html(m, "en", m.twin), numbers_html(m.twin, "en")
    for name in MAP_NUMBERS:
        assert f'data-outcome="{name}"' in with_policy and f'data-outcome="{name}"' in baseline
    fees = re.search(r'fees_per_household_rupiah">fees a year <b>Rp ([\d,]+)</b> <span class="number-diff">'
                     r"\(−(\d+)%\)", with_policy)
    assert fees, with_policy                                        # pemekaran cuts the fees, said beside them
    base_fees = float(re.search(r'fees a year <b>Rp ([\d,]+)</b>', baseline).group(1).replace(",", ""))
    assert abs(float(fees.group(1).replace(",", "")) / base_fees - (1 - int(fees.group(2)) / 100)) < 0.02
    assert "number-diff" not in baseline


def test_map_text_is_sized_for_the_width_the_map_is_shown_at():
    from sim.viz.drawing import LARGEST_FONT, SIZE, TEXT_PX, map_text_css

    rules = [(float(w), float(f)) for w, f in re.findall(r"min-width: (\d+)px\) \{ \.m \.village-map text "
                                                        r"\{ font-size: ([\d.]+)px", map_text_css(".m", TEXT_PX))]
    assert len(rules) > 10
    for width in range(300, 2400, 7):
        font = [f for w, f in rules if w <= width][-1]               # the last rule that applies wins
        shown = font * width / SIZE
        assert TEXT_PX <= shown <= TEXT_PX * 1.13, (width, shown)
        assert font <= LARGEST_FONT


def test_the_regency_label_stays_clear_of_its_road_at_the_largest_font():
    from sim.viz.drawing import LARGEST_FONT, REGENCY_END, regency_label_anchor

    x, baseline = regency_label_anchor()
    assert x <= REGENCY_END[0] and baseline + 0.25 * LARGEST_FONT < REGENCY_END[1] - 2     # the road stays below
    assert baseline - LARGEST_FONT >= 0                                                     # and the label on the map


def test_training_shows_on_the_map_when_the_dots_show_literacy():
    from sim.viz.drawing import LITERACY_COLOURS, map_key_html

    m = ClassroomModel(**{**initial_controls(), "compare": True, "digital_training": True, "n_households": 600})
    for _ in range(156):
        m.step()

    def literate(run, dots):
        svg = village_svg(run, "en", dots=dots)
        paths = re.findall(r'<path d="([^"]*)" stroke="(#[0-9a-f]+)"', svg.split('class="residents"')[1])
        return sum(d.count("h0") for d, colour in paths if colour in LITERACY_COLOURS[2:])

    trained, baseline = literate(m, "literacy"), literate(m.twin, "literacy")
    assert trained > 1.3 * baseline, (trained, baseline)             # seen on the map, not only in the charts
    assert trained == int((m.residents.literacy >= 0.4).sum())
    assert literate(m, "channel") == 0                               # the other colours: how needs ended
    assert "literacy 0.8 or more" in map_key_html("en", dots="literacy")
    assert "literasi di bawah 0,2" in map_key_html("id", dots="literacy")
