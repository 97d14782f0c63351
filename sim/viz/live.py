"""What changes every week, and the loop behind Play.

``LiveView`` owns the widgets that change with every week (the maps with their
titles and numbers, the charts, the caption, the week, the page's address) and
rewrites them directly. Play does not re-render the page each week: a render
walks every widget of the page (the controls alone are over a hundred), which
cost 70–150 ms a week on two busy cores, and a render that Play asks for while
another thread renders is left to that thread — the one that handled the Play
click would be kept drawing weeks and never read the Pause click.

``play_loop`` runs in a thread of the tab's session. It stops when paused, at
the stop year, and as soon as the tab is gone: closed or reloaded (Solara then
closes the session, and with it the model) or no longer connected.
"""

from __future__ import annotations

import threading
import time
from html import escape

import solara.widgets

from sim.viz import memory, reading, state
from sim.viz.charts import CHARTS, GAP_CHART, caption, charts_html, numbers_html
from sim.viz.drawing import village_svg
from sim.viz.i18n import number, t

# While Play runs, the address is rewritten with the week at most this often (and at once when Play stops).
ADDRESS_EVERY_S = 1.0


def _html(*classes: str) -> solara.widgets.HTML:
    return solara.widgets.HTML(tag="div", unsafe_innerHTML="", attributes={"class": " ".join(classes)})


class LiveView:
    """The widgets of one tab that change every week (see module docstring): four messages a week."""

    def __init__(self):
        self.lock = threading.Lock()
        self.shown = None             # the model shown
        self.status = _html("run-status-box")
        self.caption = _html("policy-caption")
        self.maps = _html("maps-box")
        self.charts = _html("charts-box")
        self.notice = _html("stage-notice-box")
        self.address = memory.AddressBar()
        self._address_at = 0.0

    def refresh(self, model, only_if_shown: bool = False) -> None:
        """Show the model's current week in the current language (from any thread of the session).

        ``only_if_shown``: unless another model is shown by now (Play's last week of a village that
        Reset has just replaced).
        """
        with self.lock:
            if only_if_shown and self.shown is not None and self.shown is not model:
                return
            self.shown = model
            self._refresh(model)
            self.remember(model, soon=state.playing.value)
        state.at_stop.value = reading.week(model) >= state.stop_week()

    def say(self, text: str) -> None:
        """Show a short notice over the maps (a village being built); an empty text removes it."""
        html = f'<div class="stage-notice">{escape(text)}</div>' if text else ""
        if self.notice.unsafe_innerHTML != html:
            self.notice.unsafe_innerHTML = html

    def remember(self, model, soon: bool = False) -> None:
        """Write the lesson into the page's address; ``soon``: at most every ``ADDRESS_EVERY_S`` (while Play runs)."""
        now = time.monotonic()
        if soon and now - self._address_at < ADDRESS_EVERY_S:
            return
        self._address_at = now
        lang = state.language.value
        self.address.show(memory.to_query(memory.current(model)), {"lost": t(lang, "lost"), "back": t(lang, "back")})

    def _refresh(self, model) -> None:
        lang = state.language.value
        base = reading.twin(model)
        week = reading.week(model)
        runs = [(model, None)] if base is None else [(model, t(lang, "with_policy")), (base, t(lang, "baseline"))]
        panels = []
        for run, side in runs:
            w = reading.week(run)
            year = number(lang, w / reading.WEEKS_PER_YEAR, 1)
            title = (t(lang, "map_title", week=number(lang, w), year=year) if side is None else
                     t(lang, "map_title_compare", side=side, week=number(lang, w), year=year))
            numbers = numbers_html(run, lang, base if run is model else None)
            panels.append(f'<div class="map-panel"><div class="map-title">{escape(title)}</div>{numbers}'
                          f'<div class="map-frame">{village_svg(run, lang, state.show_ties.value, state.dots.value)}'
                          '</div></div>')
        maps = f'<div class="maps maps-{"two" if base is not None else "one"}">{"".join(panels)}</div>'
        span = max(state.stop_week(), week)
        boxes = [f'<div class="chart-box{" gap-chart" if chart is GAP_CHART else ""}">{html}</div>'
                 for chart, html in zip(CHARTS, charts_html(model, lang, span, state.gap_dimension.value))]
        charts = f'<div class="charts">{"".join(boxes)}</div>'
        status = escape(t(lang, "status", week=number(lang, week), year=number(lang, week / reading.WEEKS_PER_YEAR, 1)))
        if week >= state.stop_week():
            stopped = t(lang, "stopped_at", year=state.run_settings.value["stop_year"])
            status += f'<span class="run-stopped">{escape(stopped)}</span>'
        values = ((self.maps, maps), (self.charts, charts), (self.caption, escape(caption(model, lang))),
                  (self.status, f'<span class="run-status">{status}</span>'))
        for widget, html in values:
            if widget.unsafe_innerHTML != html:
                widget.unsafe_innerHTML = html


def tab_is_open(context) -> bool:
    """Whether the tab of a session is still there: not closed, and some page of it connected.

    A closed or reloaded tab closes its session (Solara's close beacon); a tab that lost its connection
    leaves a page that is not connected. Either way its village stops.
    """
    if context is None:
        return True
    if context.closed_event.is_set():
        return False
    statuses = [getattr(s, "value", s) for s in context.page_status.values()]
    return not statuses or "connected" in statuses


def current_session():
    """The Solara session (virtual kernel) of this thread, or None outside a server."""
    try:
        from solara.server import kernel_context
        return kernel_context.get_current_context() if kernel_context.has_current_context() else None
    except Exception:       # e.g. in a notebook: no session to watch
        return None


def play_loop(model, live: LiveView, cancel: threading.Event) -> None:
    """Step and show each week until paused, at the stop year, or when the tab is gone.

    ``model`` is the tab's reactive model; ``cancel`` is set when Play is switched off or the page goes.
    """
    if not state.playing.value:
        return
    session = current_session()
    while not cancel.is_set():
        if not tab_is_open(session):
            # Nobody watches: stop. A closed session frees the model; a tab that comes back finds ▶.
            if not session.closed_event.is_set():
                state.playing.value = False
            return
        m = model.value
        settings = state.run_settings.value
        stop = state.stop_week()
        for _ in range(int(settings["draw_every"])):
            if reading.week(m) >= stop or cancel.is_set():
                break
            m.step()
        live.refresh(m, only_if_shown=True)
        if reading.week(m) >= stop:
            state.playing.value = False
            return
        cancel.wait(settings["pause_ms"] / 1000)
