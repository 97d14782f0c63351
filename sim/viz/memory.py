"""The lesson in the page's address: a reload, or a server restarted under an open tab, brings it back.

The address's query holds what differs from the defaults, by the names the rest of the project uses (the
registry's for parameters): the language, the controls, the settings of Play and of the view, the week the
village has reached, and — when some controls have been changed but not applied with Reset — the values the
shown village was built with (``applied.<name>``). For example::

    /?lang=id&compare=1&pemekaran=1&week=156

A village is a deterministic function of its controls, so the page rebuilds it and runs it to that week.
``AddressBar`` is the widget that writes the query into the browser's address (``history.replaceState``:
no reload, no new history entry) and gives the scripts of the page the texts they show in the tab's language
when the connection to the server is lost (``sim/viz/assets/custom.js``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import ipyvue
import traitlets

from sim.errors import ConfigError
from sim.params.registry import PARAMS
from sim.viz import reading, state
from sim.viz.classroom import CLASSROOM_SCENARIOS
from sim.viz.i18n import LANGUAGES

VIEW_DEFAULTS = {"projector": False, "show_ties": False, "gap_dimension": 0, "dots": "channel"}
SHORT = {"projector": "view", "show_ties": "ties", "gap_dimension": "gap", "dots": "dots"}


@dataclass
class Lesson:
    """Everything the address says, complete (defaults where it says nothing)."""

    language: str = "en"
    controls: dict = field(default_factory=state.initial_controls)
    applied: dict = field(default_factory=state.initial_controls)
    run_settings: dict = field(default_factory=lambda: dict(state.RUN_DEFAULTS))
    view: dict = field(default_factory=lambda: dict(VIEW_DEFAULTS))
    week: int = 0


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _control(name: str, text: str, default):
    """A control's value from its text in the address, or ValueError when it is not one the page offers."""
    if isinstance(default, bool):
        if text not in ("0", "1"):
            raise ValueError(text)
        return text == "1"
    if name == "rng":
        return text[:40]
    if name == "scenario_name":
        if text not in CLASSROOM_SCENARIOS:
            raise ValueError(text)
        return text
    try:
        value = PARAMS[name].check(text)
    except ConfigError:
        raise ValueError(text) from None
    bounds = state.KEY_PARAMETERS.get(name) or (state.INTENSITY_RANGE if name.endswith("_intensity") else None)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        raise ValueError(text)
    return value


def _setting(text: str, lo: int, hi: int) -> int:
    value = int(text)
    if not lo <= value <= hi:
        raise ValueError(text)
    return value


def to_query(lesson: Lesson) -> str:
    """The address's query for a lesson: what differs from the defaults (empty for a fresh page)."""
    items: list[tuple[str, str]] = []
    if lesson.language != "en":
        items.append(("lang", lesson.language))
    defaults = state.initial_controls()
    items += [(name, _text(value)) for name, value in lesson.controls.items() if defaults.get(name) != value]
    items += [(f"applied.{name}", _text(value)) for name, value in lesson.applied.items()
              if lesson.controls.get(name) != value]
    items += [(name, _text(value)) for name, value in lesson.run_settings.items()
              if state.RUN_DEFAULTS.get(name) != value]
    view = lesson.view
    if view["projector"]:
        items.append(("view", "projector"))
    if view["show_ties"]:
        items.append(("ties", "1"))
    if view["gap_dimension"]:
        items.append(("gap", str(view["gap_dimension"])))
    if view["dots"] != VIEW_DEFAULTS["dots"]:
        items.append(("dots", view["dots"]))
    if lesson.week:
        items.append(("week", str(lesson.week)))
    return urlencode(items, safe=".")


def from_query(query: str | None) -> Lesson:
    """The lesson an address's query describes; anything it cannot use (unknown names, values the page does not
    offer) is left at its default."""
    lesson = Lesson()
    if not query:
        return lesson
    defaults = state.initial_controls()
    applied: dict = {}
    for name, text in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        try:
            if name == "lang" and text in LANGUAGES:
                lesson.language = text
            elif name in defaults:
                lesson.controls[name] = _control(name, text, defaults[name])
            elif name.startswith("applied.") and name[8:] in defaults:
                applied[name[8:]] = _control(name[8:], text, defaults[name[8:]])
            elif name == "stop_year":
                lesson.run_settings[name] = _setting(text, *state.STOP_YEAR_RANGE[:2])
            elif name == "pause_ms":
                lesson.run_settings[name] = _setting(text, *state.PAUSE_RANGE[:2])
            elif name == "draw_every":
                lesson.run_settings[name] = _setting(text, *state.DRAW_EVERY_RANGE[:2])
            elif name == "view":
                lesson.view["projector"] = text == "projector"
            elif name == "ties":
                lesson.view["show_ties"] = text == "1"
            elif name == "gap":
                lesson.view["gap_dimension"] = _setting(text, 0, 2)
            elif name == "dots" and text in state.DOT_MODES:
                lesson.view["dots"] = text
            elif name == "week":
                lesson.week = _setting(text, 0, reading.MAX_RUN_WEEKS)
        except ValueError:
            continue
    lesson.applied = {**lesson.controls, **applied}
    return lesson


def current(model, week: int | None = None) -> Lesson:
    """The lesson of this tab now: its state (``sim.viz.state``) and the village shown."""
    return Lesson(language=state.language.value, controls=dict(state.controls.value),
                  applied=dict(reading.applied_controls(model, state.controls.value)),
                  run_settings=dict(state.run_settings.value),
                  view={"projector": state.projector.value, "show_ties": state.show_ties.value,
                        "gap_dimension": state.gap_dimension.value, "dots": state.dots.value},
                  week=reading.week(model) if week is None else week)


def apply(lesson: Lesson) -> None:
    """Set this tab's state from a lesson (before the page first renders)."""
    state.language.value = lesson.language
    state.controls.value = dict(lesson.controls)
    state.run_settings.value = dict(lesson.run_settings)
    state.projector.value = lesson.view["projector"]
    state.show_ties.value = lesson.view["show_ties"]
    state.gap_dimension.value = lesson.view["gap_dimension"]
    state.dots.value = lesson.view["dots"]


class AddressBar(ipyvue.VueTemplate):
    """Writes ``query`` into the browser's address (no reload, no history entry), and keeps ``texts`` (the
    tab's messages for a lost connection) where the page's script finds them (``window.classroomTexts``)."""

    query = traitlets.Unicode("").tag(sync=True)
    texts = traitlets.Unicode("{}").tag(sync=True)
    template = traitlets.Unicode("""
<template><span class="address-bar" style="display: none"></span></template>
<script>
module.exports = {
  mounted() { this.write(); },
  watch: { query() { this.write(); }, texts() { this.write(); } },
  methods: {
    write() {
      window.classroomTexts = JSON.parse(this.texts || "{}");
      const url = window.location.pathname + (this.query ? "?" + this.query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, "", url);
      }
    },
  },
};
</script>
""").tag(sync=True)

    def show(self, query: str, texts: dict) -> None:
        """Write the query and the texts (only what changed is sent)."""
        encoded = json.dumps(texts, ensure_ascii=False, sort_keys=True)
        if self.texts != encoded:
            self.texts = encoded
        if self.query != query:
            self.query = query
