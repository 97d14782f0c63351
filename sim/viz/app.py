"""The classroom page: a live village, bilingual, in the browser.

Run with ``make viz`` (``python -m sim.viz.serve``: ``solara run sim/viz/app.py --host 127.0.0.1 --port 8765
--production``).

The page is built with Solara, as Mesa's SolaraViz is, with controls of its own
(``sim.viz.controls``): SolaraViz's panel cannot be translated or show its
sliders' values, its play loop keeps stepping a model after its tab is gone,
and its grid stacks the two villages of the side-by-side view.

* Every browser tab gets its own model (``Page`` creates it); Reset rebuilds it
  from the controls, which keep their values; "Restore defaults" puts the
  controls back to the model's defaults and starts a new village.
* Play (``sim.viz.live``) stops at the chosen year, when paused, and as soon as
  the tab is closed, reloaded or loses its connection.
* Three views: the village beside its charts; side by side (the village with
  the policies and its baseline next to each other, the charts below, each
  chart with both runs); a full-screen map for a projector.
* Nothing is loaded from outside the machine (no CDN: the policies line is
  plain HTML, not Markdown with KaTeX).
"""

from __future__ import annotations

import os
from html import escape

import solara
import solara.lab
import solara.server.settings
from solara.alias import rv

from sim.viz import reading, state
from sim.viz.charts import GAP_CHART
from sim.viz.classroom import ClassroomModel
from sim.viz.controls import RunButtons, RunPanel, VillagePanel
from sim.viz.drawing import map_key_html
from sim.viz.i18n import LANGUAGES, POLICY_TEXT, TEXT, message, t
from sim.viz.live import LiveView, play_loop
from sim.viz.serve import quiet_server

# The server's page: its own title, no "This website runs on Solara" badge (it covered the last chart), no usage
# statistics sent off the machine (the server imports the app before it reports its start: ``quiet_server``), and
# a tab that vanished without closing (laptop asleep, network gone) is given up after 10 minutes instead of
# Solara's 24 hours (SOLARA_KERNEL_CULL_TIMEOUT still decides when it is set).
quiet_server()
solara.server.settings.theme.title = TEXT["page_title"]["en"]
if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
    solara.server.settings.kernel.cull_timeout = "10m"


@solara.component
def StageHead(model, live: LiveView):
    """The policies that are on, the model's messages and the caption of what happened since they started."""
    lang = state.language.value
    m = model.value
    names = ", ".join(POLICY_TEXT[n][lang] for n in reading.policies_on(m)) or t(lang, "none")
    with solara.Div(classes=["stage-head"]):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{escape(t(lang, 'policies_active', names=names))}</b> · "
                                                f"{escape(t(lang, 'apply_hint'))}", classes=["policies-line"])
        for key, values in getattr(m, "messages", []):
            solara.Warning(message(lang, key, values), classes=["input-message"])
        solara.Div(children=[live.caption])


@solara.component
def Maps(live: LiveView):
    """The village (two villages next to each other in the side-by-side view), and the map's key."""
    with solara.Div(classes=["map-area"]):
        solara.Div(children=[live.maps])
        solara.HTML(tag="div", unsafe_innerHTML=map_key_html(state.language.value, state.show_ties.value),
                    classes=["map-key-box"])


@solara.component
def Charts(model, live: LiveView):
    """The charts; side by side, under them a switch of the access gap the gap chart shows."""
    lang = state.language.value
    with solara.Div(classes=["charts-area"]):
        solara.Div(children=[live.charts])
        if reading.twin(model.value) is not None:
            with solara.Div(classes=["gap-switch-row"]):
                solara.Text(t(lang, "gap_show"))
                rv.BtnToggle(v_model=state.gap_dimension.value, mandatory=True, dense=True,
                             on_v_model=lambda v: state.gap_dimension.set(v or 0), class_="gap-switch",
                             children=[rv.Btn(small=True, children=[t(lang, key)]) for key in GAP_CHART.line_keys])


@solara.component
def Stage(model, live: LiveView):
    """Right of the controls: the policies line and caption, the map(s) and the charts (the map(s) alone
    in the projector view).
    """
    two = reading.twin(model.value) is not None
    view = "projector" if state.projector.value else ("compare" if two else "single")
    with solara.Div(classes=["stage", f"stage-{view}"]):
        if not state.projector.value:
            StageHead(model, live)
        Maps(live)
        if not state.projector.value:
            Charts(model, live)


@solara.component
def TopBar(model, live: LiveView):
    """The title, patron ties, the projector view (with Play, Step and the week in it), EN/ID, light/dark."""
    lang = state.language.value
    with solara.Div(classes=["classroom-bar"]):
        solara.Text(t(lang, "title"), classes=["app-title"])
        if state.projector.value:
            RunButtons(model, live, compact=True)
            solara.Div(children=[live.status])
            solara.Button(t(lang, "projector_exit"), outlined=True, on_click=lambda: state.projector.set(False),
                          classes=["projector-exit"])
        else:
            solara.Checkbox(label=t(lang, "show_ties"), value=state.show_ties)
            solara.Button(t(lang, "projector"), icon_name="mdi-fullscreen", outlined=True,
                          on_click=lambda: state.projector.set(True), classes=["projector-button"])
        solara.ToggleButtonsSingle(value=state.language, values=list(LANGUAGES), classes=["language-switch"])
        solara.Text(f"{t(lang, 'language')}: {LANGUAGES[lang]}", classes=["language-name"])
        solara.lab.ThemeToggle(enable_auto=False)


@solara.component
def Page():
    """The page of one browser tab: its own village, controls and Play."""
    lang = state.language.value
    first = solara.use_memo(lambda: ClassroomModel(**state.controls.value), [])
    model = solara.use_reactive(first)
    live = solara.use_memo(LiveView, [])
    # What the live widgets show changes with these (Play, Step and Reset refresh them themselves).
    solara.use_effect(lambda: live.refresh(model.value),
                      [model.value, lang, state.show_ties.value, state.gap_dimension.value,
                       state.run_settings.value["stop_year"]])
    solara.use_thread(lambda cancel: play_loop(model, live, cancel),
                      dependencies=[state.playing.value, model.value], intrusive_cancel=False)
    solara.Title(t(lang, "page_title"))
    solara.Style(CSS)
    with solara.Div(classes=["classroom"]):
        TopBar(model, live)
        with solara.Div(classes=["classroom-body"] + (["projector"] if state.projector.value else [])):
            if not state.projector.value:
                with solara.Div(classes=["controls-column"]):
                    RunPanel(model, live)
                    VillagePanel()
            Stage(model, live)


CSS = """
.classroom { height: 100vh; display: flex; flex-direction: column; }
.classroom-bar { display: flex; align-items: center; flex-wrap: wrap; gap: 4px 14px; padding: 2px 12px;
  min-height: 48px; border-bottom: 1px solid rgba(128,128,128,0.35); }
.classroom-bar .app-title { font-size: 1.15rem; font-weight: 600; margin-right: auto; }
.classroom-bar .v-input--checkbox { margin: 0; padding: 0; }
.classroom-bar .v-input__slot { margin-bottom: 0; }
.classroom-bar .v-messages { display: none; }
.classroom-body { flex: 1 1 auto; min-height: 0; display: grid; grid-template-columns: 340px minmax(0, 1fr); }
.classroom-body.projector { grid-template-columns: minmax(0, 1fr); }
.controls-column { overflow-y: auto; padding: 8px 10px; border-right: 1px solid rgba(128,128,128,0.35); }
.controls-column .panel { margin-bottom: 10px; }
.controls-column .v-card__title { font-size: 1.1rem; padding: 10px 14px 4px; }
.controls-column .v-card__text { padding: 4px 14px 10px; }
.panel-subtitle { display: block; font-weight: 600; margin: 14px 0 2px; }
.control { margin: 8px 0 4px; }
.control-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.control-label { font-size: 0.9rem; line-height: 1.2; }
.control-value { font-weight: 600; white-space: nowrap; font-size: 0.9rem; }
.control-note { display: block; font-size: 0.78rem; }
.control-slider { margin: 0 !important; }
.policy { border-left: 3px solid rgba(128,128,128,0.35); padding-left: 8px; margin: 6px 0; }
.policy .v-input--checkbox { margin-top: 4px; padding-top: 0; }
.policy .v-messages, .village-panel .v-messages { display: none; }
.run-buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.run-buttons .v-btn, .projector-button, .projector-exit { text-transform: none; letter-spacing: normal; }
.run-status { display: block; font-weight: 600; margin-top: 8px; }
.run-stopped { display: block; font-weight: normal; font-size: 0.85rem; }
.classroom-bar .run-status { margin-top: 0; }
.stage { overflow-y: auto; padding: 8px 14px; min-width: 0; }
.stage-head { margin-bottom: 4px; }
.policy-caption { display: block; font-size: 0.95rem; margin: 2px 0 6px; }
.input-message { margin: 4px 0 !important; }
.map-title { display: block; font-weight: 600; margin: 2px 0; }
.village-map { display: block; width: 100%; height: auto; }
.maps { display: grid; gap: 12px; }
.map-key { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 0.82rem; margin: 4px 0 8px; }
.key-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.charts { display: grid; gap: 6px 16px; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.chart-title { font-weight: 600; font-size: 0.9rem; line-height: 1.2; }
.chart-key { display: flex; flex-wrap: wrap; gap: 0 12px; font-size: 0.8rem; }
.chart-key svg { vertical-align: middle; }
svg.chart { display: block; width: 100%; height: auto; }
.gap-switch .v-btn { text-transform: none; }
.gap-switch-row { display: flex; align-items: center; gap: 10px; margin: 4px 0; }
/* one village: the map on the left, the charts on the right */
.stage-single { display: grid; grid-template-columns: minmax(260px, min(46%, calc(100vh - 230px))) minmax(0, 1fr);
  grid-template-areas: "head head" "map charts"; gap: 0 18px; align-items: start; align-content: start; }
.stage-single .stage-head { grid-area: head; }
.stage-single .map-area { grid-area: map; }
.stage-single .charts-area { grid-area: charts; }
/* side by side: the two villages next to each other, their charts below */
.stage-compare .maps { grid-template-columns: repeat(2, minmax(0, min(50%, calc(100vh - 440px))));
  justify-content: center; }
.stage-compare .charts { grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); }
/* projector: the map(s) only, as large as the screen allows */
.stage-projector .maps { grid-auto-flow: column; justify-content: center; }
.stage-projector .map-panel { width: min(calc(100vh - 130px), 96vw); }
.stage-projector .maps-two .map-panel { width: min(calc(100vh - 130px), 48vw); }
.stage-projector .map-key { justify-content: center; }
"""
