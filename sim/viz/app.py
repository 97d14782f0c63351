"""The classroom page: a live village, bilingual, in the browser.

Run with ``make viz`` (``python -m sim.viz.serve``: ``solara run sim/viz/app.py --host 127.0.0.1 --port 8765
--production``).

The page is built with Solara, as Mesa's SolaraViz is, with controls of its own
(``sim.viz.controls``): SolaraViz's panel cannot be translated or show its
sliders' values, its play loop keeps stepping a model after its tab is gone,
and its grid stacks the two villages of the side-by-side view. The model runs
in Mesa's own SolaraViz too (``sim/viz/mesa_app.py``).

* Every browser tab gets its own model (``Page`` creates it); Reset rebuilds it
  from the controls, which keep their values; "Restore defaults" puts the
  controls back to the model's defaults and starts a new village. Villages come
  built from ``sim.viz.villages`` (the default one is built when the server
  starts), so neither the first load nor Reset waits for a spin-up it has
  already run.
* Play (``sim.viz.live``) stops at the chosen year, when paused, and as soon as
  the tab is closed, reloaded or loses its connection.
* Three views: the village beside its charts; side by side (the village with
  the policies and its baseline next to each other, the charts below, each
  chart with both runs); a full-screen map for a projector, with each map's
  key numbers.
* The lesson lives in the page's address (``sim.viz.memory``): a reload, or a
  server restarted under the tab, brings back its language, controls, view and
  week. While the server is gone, the tab says so in its language, and comes
  back by itself when the server does (``sim/viz/assets/custom.js``).
* Nothing is loaded from outside the machine (no CDN: the policies line is
  plain HTML, not Markdown with KaTeX).
"""

from __future__ import annotations

import os
import threading
from html import escape
from pathlib import Path

import solara
import solara.lab
import solara.server.settings
from solara.alias import rv

from sim.viz import memory, reading, state
from sim.viz.charts import GAP_CHART
from sim.viz.controls import PlayPanel, RunButtons, RunPanel, VillagePanel, pending, pending_text
from sim.viz.drawing import PROJECTOR_TEXT_PX, TEXT_PX, map_key_html, map_text_css
from sim.viz.i18n import LANGUAGES, POLICY_TEXT, TEXT, message, t
from sim.viz.live import LiveView, play_loop
from sim.viz.serve import quiet_server
from sim.viz.villages import VILLAGES

# The server's page: its own title, no "This website runs on Solara" badge (it covered the last chart), no usage
# statistics sent off the machine (the server imports the app before it reports its start: ``quiet_server``), and
# a tab that vanished without closing (laptop asleep, network gone) is given up after 10 minutes instead of
# Solara's 24 hours (SOLARA_KERNEL_CULL_TIMEOUT still decides when it is set).
quiet_server()
solara.server.settings.theme.title = TEXT["page_title"]["en"]
if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
    solara.server.settings.kernel.cull_timeout = "10m"
# A tab whose server was restarted runs the page again on the new server (the lesson comes from its address)
# instead of showing Solara's dialog; if that fails, it reloads itself. The page's own script and style
# (sim/viz/assets: custom.js, custom.css) say in the tab's language that the server is gone.
solara.server.settings.state.auto_remount = True
solara.server.settings.theme.force_refresh = True
solara.server.settings.assets.extra_locations = [str(Path(__file__).with_name("assets"))]

# The default village is built once, when the server starts: the first tab only copies it.
threading.Thread(target=VILLAGES.get, args=(state.initial_controls(),), name="default village", daemon=True).start()


def first_village(query: str | None):
    """The village a tab opens with: the one its address describes, run to the week it had reached."""
    lesson = memory.from_query(query)
    memory.apply(lesson)
    village = VILLAGES.get(lesson.applied)
    for _ in range(min(lesson.week, reading.MAX_RUN_WEEKS)):
        village.step()
    return village


@solara.component
def StageHead(model, live: LiveView):
    """The policies that are on (and those changed but not applied), the model's messages and the caption."""
    lang = state.language.value
    m = model.value
    names = ", ".join(POLICY_TEXT[n][lang] for n in reading.policies_on(m)) or t(lang, "none")
    line = f"<b>{escape(t(lang, 'policies_active', names=names))}</b>"
    changed = pending(model)
    if changed:
        what = pending_text(lang, changed, state.controls.value)
        line += f' · <span class="pending-inline">{escape(t(lang, "pending_short", what=what))}</span>'
    with solara.Div(classes=["stage-head"]):
        with solara.Div(classes=["stage-head-row"]):
            solara.HTML(tag="div", unsafe_innerHTML=line, classes=["policies-line"])
            DotsSwitch()
        for key, values in getattr(m, "messages", []):
            solara.Warning(message(lang, key, values), classes=["input-message"])
        solara.Div(children=[live.caption])


@solara.component
def DotsSwitch():
    """What the map's dots show: how each household's last need ended, or its digital literacy."""
    lang = state.language.value
    with solara.Div(classes=["dots-switch-row"]):
        solara.Text(t(lang, "dots_show"))
        rv.BtnToggle(v_model=state.DOT_MODES.index(state.dots.value), mandatory=True, dense=True,
                     on_v_model=lambda v: state.dots.set(state.DOT_MODES[v or 0]), class_="dots-switch",
                     children=[rv.Btn(small=True, children=[t(lang, f"dots_{mode}")]) for mode in state.DOT_MODES])


@solara.component
def Maps(live: LiveView):
    """The village (two villages next to each other in the side-by-side view), and the map's key."""
    lang = state.language.value
    with solara.Div(classes=["map-area"]):
        solara.Div(children=[live.notice], classes=["stage-notice-area"])
        solara.Div(children=[live.maps])
        solara.HTML(tag="div", unsafe_innerHTML=map_key_html(lang, state.show_ties.value, state.dots.value),
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
    """Right of the controls: the policies line and caption, the map(s) and the charts (the map(s) with their
    numbers alone in the projector view).
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
    with solara.Div(classes=["classroom-bar"] + (["projector-bar"] if state.projector.value else [])):
        solara.Text(t(lang, "title"), classes=["app-title"])
        if state.projector.value:
            RunButtons(model, live, compact=True)
            solara.Div(children=[live.status])
            DotsSwitch()
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
    """The page of one browser tab: its own village, controls and Play, from the lesson in its address."""
    router = solara.use_router()
    first = solara.use_memo(lambda: first_village(router.search), [])
    model = solara.use_reactive(first)
    live = solara.use_memo(LiveView, [])
    lang = state.language.value
    # What the live widgets (and the address) show changes with these (Play, Step and Reset refresh them
    # themselves).
    solara.use_effect(lambda: live.refresh(model.value),
                      [model.value, lang, state.show_ties.value, state.gap_dimension.value, state.dots.value,
                       state.run_settings.value, state.controls.value, state.projector.value,
                       state.playing.value])
    # The village of controls just changed is built while the lecturer goes on: Reset then only copies it.
    solara.use_effect(lambda: VILLAGES.prepare(state.controls.value), [state.controls.value])
    solara.use_thread(lambda cancel: play_loop(model, live, cancel),
                      dependencies=[state.playing.value, model.value], intrusive_cancel=False)
    solara.Title(t(lang, "page_title"))
    solara.Style(CSS)
    with solara.Div(classes=["classroom", f"lang-{lang}"]):
        solara.Div(children=[live.address])
        TopBar(model, live)
        with solara.Div(classes=["classroom-body"] + (["projector"] if state.projector.value else [])):
            if not state.projector.value:
                with solara.Div(classes=["controls-column"]):
                    RunPanel(model, live)
                    VillagePanel()
                    PlayPanel()
            Stage(model, live)


CSS = """
.classroom { height: 100vh; display: flex; flex-direction: column; }
.classroom-bar { display: flex; align-items: center; flex-wrap: wrap; gap: 4px 14px; padding: 2px 12px;
  min-height: 48px; border-bottom: 1px solid rgba(128,128,128,0.35); }
.classroom-bar .app-title { font-size: 1.15rem; font-weight: 600; margin-right: auto; }
.classroom-bar.projector-bar .projector-exit { margin-left: auto; }
.classroom-bar .v-input--checkbox { margin: 0; padding: 0; }
.classroom-bar .v-input__slot { margin-bottom: 0; }
.classroom-bar .v-messages { display: none; }
@media (max-width: 1150px) { .classroom-bar .language-name { display: none; } }
.classroom-body { flex: 1 1 auto; min-height: 0; display: grid;
  grid-template-columns: clamp(300px, 25vw, 340px) minmax(0, 1fr); }
.classroom-body.projector { grid-template-columns: minmax(0, 1fr); }
.controls-column { overflow-y: auto; padding: 6px 8px; border-right: 1px solid rgba(128,128,128,0.35); }
.controls-column .panel { margin-bottom: 10px; }
.controls-column .v-card__title { font-size: 1.1rem; padding: 8px 12px 2px; }
.controls-column .v-card__text { padding: 2px 12px 8px; }
.panel-subtitle { display: block; font-weight: 600; margin: 10px 0 2px; }
.control { margin: 8px 0 4px; }
.control-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.control-label { font-size: 0.9rem; line-height: 1.2; }
.control-value { font-weight: 600; white-space: nowrap; font-size: 0.9rem; }
.control-note { display: block; font-size: 0.78rem; }
.control-slider { margin: 0 !important; }
.policy { border-left: 3px solid rgba(128,128,128,0.35); padding-left: 8px; margin: 8px 0; }
.policy-name { display: block; font-weight: 600; font-size: 0.9rem; margin-top: 6px; }
.policy .v-messages, .village-panel .v-messages, .run-panel .v-messages { display: none; }
.run-panel .v-input--checkbox { margin: 0; padding: 0; }
.run-panel .v-input__slot { margin-bottom: 0; }
.run-panel .compare-switch { margin-top: 6px; }
.policy-switch { margin: 0 0 2px; }
.policy-switch-row { display: flex; align-items: center; gap: 6px; }
.policy-summary { display: block; font-size: 0.78rem; margin: -4px 0 2px 32px; }
.pending-mark { font-size: 0.72rem; font-weight: 600; padding: 0 6px; border-radius: 8px; white-space: nowrap;
  background: #f9a825; color: #212121; }
.pending-note { display: block; font-size: 0.85rem; margin-top: 6px; padding: 4px 8px; border-radius: 4px;
  background: rgba(249,168,37,0.18); border-left: 4px solid #f9a825; }
.pending-inline { font-weight: 600; }
.run-buttons { display: flex; flex-wrap: wrap; gap: 6px; }
.run-buttons .v-btn, .projector-button, .projector-exit { text-transform: none; letter-spacing: normal; }
.run-buttons .reset-pending { box-shadow: 0 0 0 3px #f9a825 !important; }
.run-status { display: block; font-weight: 600; margin-top: 6px; }
.run-stopped { display: block; font-weight: normal; font-size: 0.85rem; }
.classroom-bar .run-status { margin-top: 0; }
.stage { overflow-y: auto; padding: 6px 14px; min-width: 0; }
.stage-head { margin-bottom: 2px; }
.policies-line { line-height: 1.3; }
.policy-caption { display: block; font-size: 0.95rem; margin: 2px 0 4px; line-height: 1.3; }
.input-message { margin: 4px 0 !important; }
.map-area { position: relative; }
.stage-notice-area { position: absolute; top: 40%; left: 0; right: 0; z-index: 5; text-align: center;
  pointer-events: none; }
.stage-notice { display: inline-block; padding: 10px 18px; border-radius: 6px; font-size: 1.1rem; font-weight: 600;
  background: rgba(33,33,33,0.85); color: #fff; }
.map-title { display: block; font-weight: 600; margin: 2px 0 0; line-height: 1.25; }
.map-numbers { display: flex; flex-wrap: wrap; gap: 0 12px; font-size: 0.85rem; line-height: 1.3; margin-bottom: 2px; }
.number-item { white-space: nowrap; }
.map-panel { min-width: 0; }
.map-frame { container-type: inline-size; }
.village-map { display: block; width: 100%; height: auto; }
.maps { display: grid; gap: 12px; }
.stage-head-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
  gap: 2px 16px; }
.map-key { display: flex; flex-wrap: wrap; gap: 0 12px; font-size: 0.82rem; margin: 2px 0 6px; }
.key-item { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.dots-switch-row, .gap-switch-row { display: flex; align-items: center; gap: 8px; font-size: 0.85rem; }
.dots-switch .v-btn, .gap-switch .v-btn { text-transform: none; letter-spacing: normal; }
.charts { display: grid; gap: 6px 16px; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.chart-title { font-weight: 600; font-size: 0.9rem; line-height: 1.2; }
.chart-key { display: flex; flex-wrap: wrap; gap: 0 12px; font-size: 0.8rem; }
.chart-key svg { vertical-align: middle; }
svg.chart { display: block; width: 100%; height: auto; }
.gap-switch-row { margin: 4px 0; }
/* one village: the map on the left, the charts on the right */
.stage-single { display: grid; grid-template-columns: minmax(280px, min(52%, calc(100vh - 200px))) minmax(0, 1fr);
  grid-template-areas: "head head" "map charts"; gap: 0 18px; align-items: start; align-content: start; }
.stage-single .stage-head { grid-area: head; }
.stage-single .map-area { grid-area: map; }
.stage-single .charts-area { grid-area: charts; }
/* side by side: the two villages next to each other, their numbers above them, the charts below; the maps
   leave a row of charts on the screen */
.stage-compare .maps { grid-template-columns: repeat(2, minmax(0, min(50%, calc(100vh - 415px))));
  justify-content: center; align-items: end; }
.stage-compare .map-numbers { font-size: 0.8rem; gap: 0 10px; }
.stage-compare .map-key { font-size: 0.78rem; gap: 0 10px; }
.stage-compare .charts { grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); }
/* projector: the map(s) and their numbers only, as large as the screen allows */
.stage-projector .maps { grid-auto-flow: column; justify-content: center; align-items: end; }
.classroom-bar.projector-bar .language-name, .classroom-bar.projector-bar .dots-switch-row > span { display: none; }
@media (max-width: 1500px) { .classroom-bar.projector-bar .app-title { display: none; } }
.stage-projector .maps-one .map-panel { display: grid;
  grid-template-columns: min(calc(100vh - 130px), 96vw - 320px) 280px;
  grid-template-areas: "title title" "map numbers"; gap: 0 20px; align-items: start; }
.stage-projector .maps-one .map-title { grid-area: title; }
.stage-projector .maps-one .map-frame { grid-area: map; }
.stage-projector .maps-one .map-numbers { grid-area: numbers; flex-direction: column; gap: 10px; font-size: 1.35rem; }
.stage-projector .maps-one .number-item { white-space: normal; }
.stage-projector .maps-two .map-panel { width: min(calc(100vh - 200px), 48vw); }
.stage-projector .map-title { font-size: 1.25rem; }
.stage-projector .map-numbers { font-size: 1.15rem; gap: 0 18px; }
.stage-projector .map-key { justify-content: center; }
""" + map_text_css(".map-frame", TEXT_PX) + "\n" + map_text_css(".stage-projector .map-frame", PROJECTOR_TEXT_PX)
