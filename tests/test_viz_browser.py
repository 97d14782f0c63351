"""The classroom page in a real browser: Debian's Chromium driven by Playwright.

Starts the page with ``solara run --production`` on a free local port, as ``make viz`` does
(``sim.viz.serve``). Most tests share one server; the tests of a closed tab and of requests leaving
the machine start their own, to measure that server alone.
"""

import math
import os
import re
import signal
import socket
import threading
import time

import pytest

from sim.shell.browser import HEADLESS_ARGS

LAPTOP = {"width": 1366, "height": 768}
DESKTOP = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def server(chromium):   # no browser, no page server: the tests skip (or fail under CI) before it starts
    from sim.viz.serve import page_server

    with page_server() as s:
        yield s.url


@pytest.fixture(scope="module")
def playwright(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright, chromium):
    b = playwright.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
    yield b
    b.close()


# ------------------------------------------------------------------------------------------ helpers
def open_page(browser, url, viewport=None, dark=False):
    page = browser.new_page(viewport=viewport or {"width": 1500, "height": 1100})
    if dark:
        page.add_init_script("localStorage.setItem(':solara:theme.variant', JSON.stringify('dark'))")
    page.goto(url)
    page.wait_for_selector("svg.village-map", timeout=90_000)
    return page


def button(page, pattern):
    """A button whose name starts with ``pattern`` (a regular expression)."""
    return page.get_by_role("button", name=re.compile("^" + pattern)).first


def week(page, index=0) -> int:
    titles = page.locator(".map-title")
    text = (titles.nth(index) if titles.count() else page.locator("svg.village-map").nth(index).locator("text").first
            ).text_content()
    return int(re.findall(r"\d+", text.split("—")[-1].replace(",", "").replace(".", ""))[0])


def wait_week(page, target, index=0, timeout=30.0):
    deadline = time.time() + timeout
    while week(page, index) < target:
        assert time.time() < deadline, f"week {week(page, index)} never reached {target}"
        time.sleep(0.1)


def wait_text(locator, text: str, timeout: float = 30.0) -> None:
    """Until ``locator`` contains ``text``. The page updates each widget by a message of its own, so that one
    widget has changed says nothing about its neighbours: what a test reads after an action, it waits for."""
    from playwright.sync_api import expect

    expect(locator.first).to_contain_text(text, timeout=timeout * 1000)


def click_label(page, text):
    page.get_by_text(text, exact=True).first.click()


def slider(page, name):
    """The slider of a named control (a registry parameter or a run setting)."""
    return page.locator(f'.number-control[data-name="{name}"]')


def set_slider_end(page, name, key):
    """Move a slider to its lowest ("Home") or highest ("End") value with the keyboard."""
    thumb = slider(page, name).locator(".v-slider__thumb-container")
    thumb.focus()
    thumb.press(key)


def shown_value(page, name) -> str:
    return slider(page, name).locator(".control-value").inner_text()


def reset(page):
    button(page, "Reset|Ulang").click()


VISIBLE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent.trim(), el = node.parentElement;
    if (!text || !el || el.closest('script, style, template, noscript')) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
    out.push(text);
  }
  return out;
}"""


# ------------------------------------------------------------------------------------------ features kept
def test_page_loads_draws_steps_and_plays(server, browser, tmp_path):
    page = open_page(browser, server)
    assert page.locator("svg.village-map").count() == 1
    assert page.locator("svg.chart").count() == 6
    assert page.locator("svg.village-map path").count() > 5         # residents, officials, roads
    assert week(page) == 0
    button(page, "Step").click()
    wait_week(page, 1)
    button(page, "▶").click()
    wait_week(page, 6)
    button(page, "❚❚").click()
    time.sleep(0.5)
    stopped = week(page)
    time.sleep(1.0)
    assert week(page) == stopped                                      # paused
    page.screenshot(path=str(tmp_path / "classroom.png"), full_page=True)
    assert (tmp_path / "classroom.png").stat().st_size > 10_000
    page.close()


def test_policy_switch_and_reset_change_the_model(server, browser):
    page = open_page(browser, server)
    assert page.get_by_text("to the regency seat: 74 km").count() == 1
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    click_label(page, "Enforcement (Saber Pungli, Ombudsman)")
    reset(page)
    page.wait_for_selector("text=Policies on: Pemekaran (seat moves to Bumiayu), Enforcement", timeout=30_000)
    # Reset keeps the controls' values: the switches stay on, and a second Reset rebuilds the same policies.
    assert page.get_by_role("checkbox", name="Pemekaran (seat moves to Bumiayu)").is_checked()
    reset(page)
    time.sleep(1.0)
    assert page.get_by_text("Policies on: Pemekaran (seat moves to Bumiayu), Enforcement").count() == 1
    for _ in range(3):                                 # the policy starts in week 52: run until then
        button(page, "Step").click()
    wait_week(page, 3)
    page.close()


def test_language_switch_changes_labels(server, browser):
    page = open_page(browser, server)
    assert page.get_by_text("Needs paid to officials or brokers").count() == 1
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
    body = page.inner_text("body")
    for phrase in ("Peta desa", "Bahasa: Bahasa Indonesia", "Benih acak (bilangan bulat)",
                   "Pemekaran (pusat pindah ke Bumiayu)", "Rumah tangga terikat pada satu patron"):
        assert phrase in body or page.get_by_text(phrase).count() > 0, phrase
    assert "dititipkan ke perangkat" in page.locator(".map-key").inner_text()
    page.get_by_role("button", name="en", exact=True).click()
    page.wait_for_selector("text=Needs paid to officials or brokers", timeout=30_000)
    page.close()


def test_each_tab_has_its_own_model(server, browser):
    first = open_page(browser, server)
    for _ in range(3):
        button(first, "Step").click()
    wait_week(first, 3)
    second = open_page(browser, server)
    assert week(second) == 0
    assert week(first) == 3
    first.close()
    second.close()


def test_side_by_side_view_runs(server, browser):
    page = open_page(browser, server)
    click_label(page, "Side by side: policy and baseline")
    click_label(page, "Digital training")
    reset(page)
    page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
    assert page.locator("svg.village-map").count() == 2
    button(page, "Step").click()
    wait_week(page, 1, index=0)
    wait_week(page, 1, index=1)
    assert "Baseline (no policy)" in page.locator(".chart-box").first.inner_text()
    page.close()


def test_reset_while_playing_shows_the_new_village_stopped(server, browser):
    page = open_page(browser, server)
    button(page, "▶").click()
    wait_week(page, 5)
    reset(page)
    page.wait_for_function("() => document.querySelector('.map-title').innerText.includes('week 0 ')", timeout=30_000)
    time.sleep(1.5)
    assert week(page) == 0 and button(page, "▶").is_enabled()            # not overwritten by the old village
    page.close()


def test_bad_seed_shows_a_message_and_the_page_stays_usable(server, browser):
    page = open_page(browser, server)
    seed = page.get_by_label("Seed (whole number)")
    for text, message in (("abc", "is not a whole number"), ("", "The seed was empty")):
        seed.fill(text)
        seed.press("Enter")
        reset(page)
        page.wait_for_selector(f"text={message}", timeout=30_000)
        button(page, "Step").click()
        wait_week(page, 1)
    seed.fill("42")
    seed.press("Enter")
    reset(page)
    page.wait_for_function("() => !document.body.innerText.includes('The seed was empty')", timeout=30_000)
    wait_text(page.locator(".map-title"), "week 0 ")
    assert week(page) == 0
    page.close()


def test_extreme_slider_values_keep_the_page_usable(server, browser):
    page = open_page(browser, server)
    sliders = page.locator(".village-panel .v-slider__thumb-container")
    n = sliders.count()
    assert n >= 15
    for i in range(n):
        sliders.nth(i).focus()
        sliders.nth(i).press("End" if i % 2 else "Home")
    reset(page)
    time.sleep(1.0)
    button(page, "Step").click()
    wait_week(page, 1)
    assert page.locator("svg.village-map").count() == 1
    assert "Traceback" not in page.inner_text("body")
    page.close()


# ------------------------------------------------------------------------------------------ 1. controls
def test_every_slider_shows_its_value_and_unit_and_drags_at_1366(server, browser):
    page = open_page(browser, server, LAPTOP)
    sliders = page.locator(".v-slider")
    assert sliders.count() >= 18               # 3 of the run, 5 intensities, 10 parameters
    for i in range(sliders.count()):
        s = sliders.nth(i)
        s.scroll_into_view_if_needed()
        box = s.bounding_box()
        assert box["width"] >= 200, f"slider {i} is {box['width']:.0f} px wide"     # draggable with a mouse
        assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]
        control = s.locator("xpath=ancestor::*[contains(@class, 'number-control')][1]")
        assert control.count() == 1, f"slider {i} has no value beside it"
        value = control.locator(".control-value").inner_text()
        assert re.search(r"\d", value), (i, value)                          # shown without touching it
    assert shown_value(page, "n_households") == "2,200 households"
    assert shown_value(page, "pause_ms") == "20 ms"
    assert shown_value(page, "draw_every") == "1 week"
    assert shown_value(page, "pemekaran_intensity") == "100%"
    assert shown_value(page, "tie_decay_per_year") == "0.30 per year"
    # Drag the households slider with the mouse to three quarters of its track.
    track = slider(page, "n_households").locator(".v-slider")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    thumb = slider(page, "n_households").locator(".v-slider__thumb").bounding_box()
    page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 0.75 * box["width"], box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("() => !document.querySelector('[data-name=\"n_households\"] .control-value')"
                           ".innerText.startsWith('2,200')", timeout=10_000)
    households = int(shown_value(page, "n_households").split()[0].replace(",", ""))
    assert 3200 <= households <= 4400 and shown_value(page, "n_households").endswith(" households")
    page.close()


# ------------------------------------------------------------------------------------------ 2. views
def _inside(box, viewport):
    return (box["x"] >= -1 and box["y"] >= -1 and box["x"] + box["width"] <= viewport["width"] + 1
            and box["y"] + box["height"] <= viewport["height"] + 1)


@pytest.mark.parametrize("viewport", [LAPTOP, DESKTOP], ids=["1366x768", "1920x1080"])
def test_side_by_side_puts_both_villages_and_their_charts_on_one_screen(server, browser, viewport):
    page = open_page(browser, server, viewport)
    click_label(page, "Side by side: policy and baseline")
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    reset(page)
    page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; e.scrollLeft = 0 })")
    time.sleep(0.3)
    policy, baseline = (page.locator("svg.village-map").nth(i).bounding_box() for i in (0, 1))
    assert _inside(policy, viewport) and _inside(baseline, viewport), (policy, baseline)
    assert policy["x"] + policy["width"] <= baseline["x"]                  # next to each other ...
    assert abs(policy["y"] - baseline["y"]) < 2                             # ... on one line
    assert policy["width"] >= 300
    charts = [page.locator("svg.chart").nth(i).bounding_box() for i in range(page.locator("svg.chart").count())]
    assert sum(_inside(c, viewport) for c in charts) >= 3, charts            # a row of charts on screen too
    page.close()


@pytest.mark.parametrize("viewport", [LAPTOP, DESKTOP], ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("compare", [False, True], ids=["one", "side-by-side"])
def test_full_screen_map_for_a_projector(server, browser, viewport, compare):
    page = open_page(browser, server, viewport)
    if compare:
        click_label(page, "Side by side: policy and baseline")
        reset(page)
        page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
    button(page, "Full-screen map").click()
    page.wait_for_selector(".controls-column", state="detached", timeout=10_000)
    maps = page.locator("svg.village-map")
    assert maps.count() == (2 if compare else 1)
    share = 0.45 if compare and viewport is LAPTOP else 0.8          # two squares side by side on 16:9
    for i in range(maps.count()):
        box = maps.nth(i).bounding_box()
        assert _inside(box, viewport), box
        assert box["height"] >= share * viewport["height"], (box, viewport)
    assert page.locator("svg.chart").count() == 0
    assert button(page, "▶").is_visible() and button(page, "Step").is_visible()
    button(page, "Step").click()
    wait_week(page, 1)
    button(page, "Back to the controls").click()
    page.wait_for_selector(".controls-column", timeout=10_000)
    page.close()


# ------------------------------------------------------------------------------------------ 3. a closed tab
def _cpu_percent(proc, seconds=3.0) -> float:
    proc.cpu_percent(None)
    time.sleep(seconds)
    return proc.cpu_percent(None)


def _settled(proc, limit=3.0, tries=5) -> float:
    """The server's CPU use once it settles (a few 3-second windows)."""
    cpu = math.inf
    for _ in range(tries):
        cpu = _cpu_percent(proc)
        if cpu < limit:
            break
    return cpu


def _chromium_pids():
    import psutil

    return {p.pid for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()}


def test_a_closed_reloaded_or_lost_tab_stops_its_village(playwright, chromium):
    """Open, play, close (then: reload; then: the browser dies): the server's CPU returns to idle and its memory
    stops growing."""
    import psutil

    from sim.viz.serve import page_server

    with page_server() as server:
        proc = psutil.Process(server.pid)
        assert _settled(proc) < 3.0                                        # idle before any tab
        for ending in ("close", "reload", "browser dies"):
            before = _chromium_pids()
            browser = playwright.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
            page = open_page(browser, server.url, LAPTOP)
            button(page, "▶").click()
            wait_week(page, 10)
            playing = _cpu_percent(proc, 3.0)
            assert playing > 8, f"playing used only {playing:.0f}% CPU: the measurement would see nothing"
            if ending == "close":
                page.close()
            elif ending == "reload":
                # The address is written each second, and the village plays on until the reload reaches the
                # server: the week it comes back at is at least the one its address had before the reload.
                page.wait_for_function("() => /[?&]week=[1-9]/.test(location.search)", timeout=30_000)
                address = int(re.search(r"[?&]week=(\d+)", page.url).group(1))
                page.reload()
                page.wait_for_selector("svg.village-map", timeout=90_000)
                back = week(page)                  # the village again, from the address
                assert back >= max(address, 1) and f"week={back}" in page.url, (back, address, page.url)
                time.sleep(1.0)
                assert week(page) == back                                  # ... and not playing
            else:
                for pid in _chromium_pids() - before:                      # the browser we started, only
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            cpu = _settled(proc)
            assert cpu < 3.0, f"after '{ending}' the server still uses {cpu:.0f}% CPU"
            rss = proc.memory_info().rss
            time.sleep(8)
            grown = (proc.memory_info().rss - rss) / 1e6
            assert grown < 0.2, f"after '{ending}' the server's memory still grows ({grown:.2f} MB in 8 s)"
            try:
                browser.close()
            except Exception:       # the browser that died
                pass


# ------------------------------------------------------------------------------------------ 4. nothing off the machine
class RecordingProxy(threading.Thread):
    """An HTTP proxy on 127.0.0.1 that records every request it is asked to forward and refuses it."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seen: list[str] = []
        self.stopping = False

    def run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace"))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def stop(self):
        self.stopping = True
        self.join(timeout=5)
        self.sock.close()


def test_no_request_leaves_the_machine(playwright, chromium, tmp_path):
    """Every request of the page, from the browser or from the server, goes to 127.0.0.1.

    The server runs behind a recording proxy (HTTP(S)_PROXY: what Python's HTTP clients use) that refuses
    everything, and its log is searched for the fetches that failed; the browser records the page's requests.
    """
    from sim.viz.serve import page_server

    proxy = RecordingProxy()
    proxy.start()
    env = {k: proxy.url for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    log = tmp_path / "server.log"
    try:
        with page_server(env=env, log=log) as server:
            origin = server.url.rstrip("/")
            # The page's requests are recorded by the browser; Chromium's own (updates, accounts) are not the page's.
            browser = playwright.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
            page = browser.new_page(viewport=LAPTOP)
            requests, failed, errors = [], [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url)
            page.wait_for_selector("svg.village-map", timeout=90_000)
            click_label(page, "Side by side: policy and baseline")
            click_label(page, "Pemekaran (seat moves to Bumiayu)")
            reset(page)
            page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
            button(page, "▶").click()
            wait_week(page, 5)
            button(page, "❚❚").click()
            page.get_by_role("button", name="id", exact=True).click()
            page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
            page.reload()
            page.wait_for_selector("svg.village-map", timeout=90_000)
            time.sleep(3)                                         # what the page loads late, the server fetches late
            browser.close()
        off = [u for u in requests if not (u.startswith(origin) or u.startswith(("data:", "blob:"))
                                           or u.startswith(origin.replace("http", "ws")))]
        assert not off, f"the browser asked for {off}"
        assert not proxy.seen, f"the server reached off the machine: {proxy.seen}"
        text = log.read_text()
        fetched = [line for line in text.splitlines() if "Could not load URL" in line]   # Solara's CDN proxy
        assert not fetched, f"the server tried to fetch: {fetched[:3]}"
        assert not failed, f"failed requests: {failed}"
        assert not errors, f"page errors: {errors}"
    finally:
        proxy.stop()


# ------------------------------------------------------------------------------------------ 5. Bahasa Indonesia
# Names that stay as they are in both languages.
SAME_IN_BOTH = re.compile(r"^(Dusun \d+|Bangbayang \(Brebes\)|en|id|EN|ID|[\d.,%\s→↗·:;–-]+|Rp [\d.]+|\d+ (ms|km)|"
                          r"Bahasa Indonesia|Pemekaran|Saber Pungli|Ombudsman|Digital)$")
ENGLISH = re.compile(r"\b(controls?|interval|threads|reset|step|model parameters|information|time|page|households?|"
                     r"share|utility|cases|weeks?|years?|default|preset|seed|scenario|side by side|polic(y|ies)|"
                     r"intensity|language|baseline|none|show|map|village|fees|literacy|play|pause|stop|restore|"
                     r"full-screen|officials?|office|gap|scale|per year|online|needs?|with|the|of|and|to)\b",
                     re.IGNORECASE)


def test_everything_is_in_bahasa_indonesia_when_chosen(server, browser):
    page = open_page(browser, server, LAPTOP)
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    reset(page)
    page.wait_for_selector("text=Policies on: Pemekaran", timeout=30_000)
    english = set(page.evaluate(VISIBLE_TEXTS))
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
    time.sleep(0.5)
    texts = page.evaluate(VISIBLE_TEXTS)
    assert len(texts) > 80
    untranslated = sorted({s for s in texts if s in english and not SAME_IN_BOTH.match(s)})
    assert not untranslated, f"the same in English and Bahasa Indonesia: {untranslated}"
    english_words = sorted({s for s in texts if ENGLISH.search(s)})
    assert not english_words, f"English words in Bahasa Indonesia: {english_words}"
    assert "bangbayang" not in texts                                      # the scenario by its name
    page.close()


# ------------------------------------------------------------------------------------------ 6. overlaps, contrast
CONTRAST = """(selector) => {
  const parse = c => { const m = c && c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                       const p = m[1].split(',').map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const background = el => {
    const map = el.closest('svg.village-map');
    if (map) return parse(getComputedStyle(map.querySelector('rect')).fill);
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
                                                if (c && c[3] > 0.5) return c; }
    return [255, 255, 255, 1];
  };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.textContent.trim()) continue;
    const cs = getComputedStyle(el);
    let ink = parse(el instanceof SVGElement ? cs.fill : cs.color);
    let alpha = ink[3];
    for (let e = el; e; e = e.parentElement) alpha *= parseFloat(getComputedStyle(e).opacity);
    const bg = background(el);
    ink = [0, 1, 2].map(i => ink[i] * alpha + bg[i] * (1 - alpha));
    const [a, b] = [lum(ink), lum(bg)].sort((x, y) => y - x);
    out.push([el.textContent.trim().slice(0, 40), (a + 0.05) / (b + 0.05)]);
  }
  return out;
}"""


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_charts_map_and_key_are_readable_in_both_themes(server, browser, dark):
    page = open_page(browser, server, LAPTOP, dark=dark)
    assert page.evaluate("() => document.getElementById('app').classList.contains('theme--dark')") == dark
    button(page, "Step").click()
    wait_week(page, 1)
    # Solara fades its content in (0.5 s) when the page (re)mounts: measure the page at rest, not mid-fade.
    page.wait_for_function("() => [...document.querySelectorAll('.solara-content-main')]"
                           ".every(e => getComputedStyle(e).opacity === '1')", timeout=10_000)
    ratios = page.evaluate(CONTRAST, "svg.chart text, .chart-title, .chart-key, .map-key .key-item, "
                                     "svg.village-map text, .map-title, .control-label, .control-value")
    assert len(ratios) > 60
    poor = [(text, round(r, 1)) for text, r in ratios if r < 4.5]
    assert not poor, f"text below 4.5:1 contrast: {poor[:12]}"
    page.close()


def _boxes_overlap(a, b, slack=0.5):
    return (a["x"] + slack < b["x"] + b["width"] and b["x"] + slack < a["x"] + a["width"]
            and a["y"] + slack < b["y"] + b["height"] and b["y"] + slack < a["y"] + a["height"])


def _segment_meets_box(x1, y1, x2, y2, box, pad=2.0):
    """Whether the segment passes through the box (grown by ``pad``), sampled finely."""
    for k in range(201):
        x, y = x1 + (x2 - x1) * k / 200, y1 + (y2 - y1) * k / 200
        if (box["x"] - pad <= x <= box["x"] + box["width"] + pad
                and box["y"] - pad <= y <= box["y"] + box["height"] + pad):
            return True
    return False


def test_nothing_overlaps_at_1366(server, browser):
    page = open_page(browser, server, LAPTOP)
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
    time.sleep(0.5)
    # The map's key: items side by side or wrapped, never over each other, never cut.
    items = page.locator(".map-key .key-item")
    assert items.count() >= 10
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not _boxes_overlap(boxes[i], boxes[j]), (items.nth(i).inner_text(), items.nth(j).inner_text())
    assert page.evaluate("() => [...document.querySelectorAll('.map-key .key-item')]"
                         ".every(e => e.scrollWidth <= e.clientWidth + 1)")
    # No badge or anything else over the charts' titles.
    assert page.get_by_text("This website runs on", exact=False).count() == 0
    for i in range(page.locator(".chart-title").count()):
        title = page.locator(".chart-title").nth(i)
        title.scroll_into_view_if_needed()
        covered = page.evaluate("(el) => { const r = el.getBoundingClientRect();"
                                " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
                                " return !(hit && (el === hit || el.contains(hit))); }", title.element_handle())
        assert not covered, f"chart title {i} is covered"
    # The road towards the regency seat passes clear of its label.
    road = page.locator("svg.village-map line[stroke-dasharray]").first
    x1, y1, x2, y2 = (float(road.get_attribute(a)) for a in ("x1", "y1", "x2", "y2"))
    label = page.locator("svg.village-map text", has_text="pusat kabupaten").first
    box = label.evaluate("(el) => { const b = el.getBBox();"
                         " return {x: b.x, y: b.y, width: b.width, height: b.height}; }")
    assert not _segment_meets_box(x1, y1, x2, y2, box), (box, (x1, y1, x2, y2))
    page.close()


def test_hamlet_names_stay_above_the_dots_of_a_large_village(server, browser):
    page = open_page(browser, server, DESKTOP)
    set_slider_end(page, "n_households", "End")                         # 5,000 households
    reset(page)
    page.wait_for_function("() => document.querySelectorAll('svg.village-map path').length > 5", timeout=30_000)
    time.sleep(1.0)
    labels = page.locator("svg.village-map text", has_text=re.compile(r"^Dusun \d+$"))
    assert labels.count() >= 4
    hidden = page.evaluate("""() => {
      const out = [];
      for (const t of document.querySelectorAll('svg.village-map text')) {
        if (!/^Dusun \\d+$/.test(t.textContent)) continue;
        const r = t.getBoundingClientRect();
        for (const f of [0.25, 0.5, 0.75]) {
          const hit = document.elementFromPoint(r.x + r.width * f, r.y + r.height / 2);
          if (hit !== t) { out.push(t.textContent + ' at ' + f + ': ' + (hit ? hit.tagName : 'nothing')); }
        }
      }
      return out;
    }""")
    assert not hidden, f"hamlet names under something: {hidden}"
    page.close()


# ------------------------------------------------------------------------------------------ 7. charts
def _ticks(chart, axis):
    return [t.strip() for t in chart.locator(f"text.{axis}-tick").all_text_contents()]


def test_charts_do_not_mislead(server, browser):
    page = open_page(browser, server)
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    reset(page)
    page.wait_for_selector("text=Policies on: Pemekaran", timeout=30_000)
    button(page, "▶").click()
    wait_week(page, 70)
    button(page, "❚❚").click()
    boxes = page.locator(".chart-box")
    titles = [t.strip() for t in page.locator(".chart-title").all_inner_texts()]
    assert "Needs handled online" in titles and "Mean digital literacy (0–1)" in titles
    for i in range(boxes.count()):
        chart = boxes.nth(i)
        ys, xs = _ticks(chart, "y"), _ticks(chart, "x")
        assert len(ys) >= 3 and len(xs) >= 3, (titles[i], ys, xs)          # ticks, not only the ends
        assert all(not re.match(r"^[-−]0([.,]0*)?%?$", y) for y in ys), (titles[i], ys)   # no "-0%"
        marker = chart.locator(".policy-start")
        assert marker.count() == 1 and marker.get_attribute("data-week") == "52", titles[i]
        key = chart.locator(".chart-key").inner_text()
        assert "Now" not in key and key.strip(), (titles[i], key)
    fees = boxes.nth(titles.index("Fees per household per year (Rp)"))
    assert _ticks(fees, "y")[0] == "0"                                    # the fees axis starts at zero
    assert "With the policies" in boxes.first.locator(".chart-key").inner_text()
    # Side by side: two lines a chart (the gap chart shows one gap at a time), years in the map titles.
    click_label(page, "Side by side: policy and baseline")
    reset(page)
    page.wait_for_selector("text=Baseline (no policy) — week 0 (year 0.0)", timeout=30_000)
    assert page.get_by_text("With the policy — week 0 (year 0.0)").count() == 1
    for _ in range(3):
        button(page, "Step").click()
    wait_week(page, 3)
    for i in range(boxes.count()):
        assert boxes.nth(i).locator("polyline").count() == 2, titles[i]     # with and without the policies
    gap = page.locator(".gap-chart")
    assert "literacy" in gap.locator(".chart-title").inner_text()
    page.locator(".gap-switch").get_by_role("button", name="income").click()
    page.wait_for_function("() => document.querySelector('.gap-chart .chart-title').innerText.includes('income')",
                           timeout=10_000)
    page.close()


# ------------------------------------------------------------------------------------------ 8. stop, defaults, caption
def test_play_stops_at_the_chosen_year_says_what_changed_and_defaults_come_back(server, browser):
    page = open_page(browser, server)
    assert shown_value(page, "stop_year") == "year 10"
    set_slider_end(page, "stop_year", "Home")
    set_slider_end(page, "stop_year", "ArrowRight")                     # year 2
    page.wait_for_function("() => document.querySelector('[data-name=\"stop_year\"] .control-value')"
                           ".innerText === 'year 2'", timeout=10_000)
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    set_slider_end(page, "n_households", "Home")                         # a small village: two years go fast
    reset(page)
    page.wait_for_selector("text=The policies start in week 52", timeout=30_000)
    button(page, "▶").click()
    wait_week(page, 104, timeout=90)
    wait_text(page.locator(".run-panel"), "Stopped at year 2")
    wait_text(page.locator(".policy-caption"), "Since the policies started in week 52 (1.0 years ago)")
    time.sleep(1.5)
    assert week(page) == 104                                             # Play has stopped by itself ...
    assert button(page, "▶").is_disabled()                               # ... and cannot run on
    caption = page.locator(".policy-caption").inner_text()
    assert caption.startswith("Since the policies started in week 52 (1.0 years ago)"), caption
    assert caption.count("→") == 4 and re.search(r"fees per household a year Rp [\d,]+ → Rp [\d,]+", caption)
    button(page, "Step").click()                                         # a step still goes on
    wait_week(page, 105)
    # Restore defaults: the controls as the page opened, and a new village with them.
    button(page, "Restore defaults").click()
    page.wait_for_selector("text=Policies on: none", timeout=30_000)
    wait_text(page.locator(".map-title"), "week 0 ")
    wait_text(slider(page, "stop_year").locator(".control-value"), "year 10")
    wait_text(slider(page, "n_households").locator(".control-value"), "2,200 households")
    wait_text(page.locator(".policy-caption"), "No policy is on")
    assert week(page) == 0
    assert shown_value(page, "stop_year") == "year 10"
    assert shown_value(page, "n_households") == "2,200 households"
    assert not page.get_by_role("checkbox", name="Pemekaran (seat moves to Bumiayu)").is_checked()
    assert page.locator(".policy-caption").inner_text() == "No policy is on: this is the village as it is."
    page.close()


# ------------------------------------------------------------------------------------------ 9. contradictions
def test_a_new_seat_farther_than_the_regency_seat_gets_a_message(server, browser):
    page = open_page(browser, server)
    click_label(page, "Pemekaran (seat moves to Bumiayu)")
    set_slider_end(page, "dist_regency_km", "Home")                      # 5 km
    set_slider_end(page, "dist_new_seat_km", "End")                      # 60 km
    expected = "Pemekaran moves the regency seat from 5 km to 60 km: farther away, not nearer."
    page.wait_for_selector(f".live-check:has-text('{expected}')", timeout=10_000)   # before Reset, at the sliders
    reset(page)
    page.wait_for_selector(f".stage-head :text('{expected}')", timeout=30_000)      # and with the village
    click_label(page, "Pemekaran (seat moves to Bumiayu)")                     # off: nothing to say
    page.wait_for_selector(".live-check", state="detached", timeout=10_000)
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Pemekaran memindahkan pusat kabupaten dari 5 km ke 60 km", timeout=30_000)
    page.close()


# ------------------------------------------------------------------------------------------ 10. a lesson on one screen
SMALL = {"width": 1024, "height": 768}
SCROLLED = """() => window.scrollY > 0 || [...document.querySelectorAll('*')].some(e => e.scrollTop > 0)"""
MAP_TEXT_PX = """() => [...document.querySelectorAll('svg.village-map')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
})"""


def wait_paused(page, timeout=30.0):
    """Until the week shown stops changing (the frames Play had drawn have all arrived)."""
    deadline = time.time() + timeout
    last = week(page)
    while True:
        time.sleep(1.0)
        now = week(page)
        if now == last:
            return now
        assert time.time() < deadline, "the page kept playing"
        last = now


def visible_box(page, selector):
    """The bounding box of the first element matching ``selector``, which must be inside the window."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None and _inside(box, page.viewport_size), (selector, box, page.viewport_size)
    return box


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("viewport", [LAPTOP, SMALL], ids=["1366x768", "1024x768"])
def test_a_lesson_needs_no_scrolling_and_marks_what_is_not_applied(server, browser, viewport, lang, tmp_path):
    """Choose side by side and pemekaran, Reset, play, read the difference: all on one screen, nothing scrolled;
    a switch ticked but not applied is marked so until Reset."""
    page = open_page(browser, server + ("?lang=id" if lang == "id" else ""), viewport)
    none = {"en": "Policies on: none", "id": "Kebijakan aktif: tidak ada"}[lang]
    for selector in (".compare-switch label", '.policy-switch[data-policy="pemekaran"] label'):
        visible_box(page, selector)
        page.locator(selector).first.click()
    page.wait_for_selector('.policy-switch[data-policy="pemekaran"] .pending-mark', timeout=10_000)
    assert not page.evaluate(SCROLLED)
    for selector in ('.policy-switch[data-policy="mobile_service"]', ".reset-button.reset-pending", ".pending-note",
                     ".play-button", ".run-status"):
        visible_box(page, selector)
    wait_text(page.locator(".policies-line"), {"en": "not applied yet", "id": "belum dipakai"}[lang])
    line = page.locator(".policies-line").inner_text()
    assert line.startswith(none) and {"en": "not applied yet", "id": "belum dipakai"}[lang] in line, line
    page.screenshot(path=str(tmp_path / f"ticked_{viewport['width']}_{lang}.png"))
    reset(page)
    page.wait_for_selector(".maps-two", timeout=60_000)
    for mark in (".pending-mark", ".pending-note", ".reset-pending", ".pending-inline"):     # applied: unmarked
        page.wait_for_selector(mark, state="detached", timeout=10_000)
    button(page, "▶").click()
    wait_week(page, 60, timeout=120)
    button(page, "❚❚").click()
    wait_paused(page)
    assert not page.evaluate(SCROLLED)
    for i in (0, 1):
        assert _inside(page.locator("svg.village-map").nth(i).bounding_box(), viewport)
    fees = page.locator('.map-panel').first.locator('.number-item[data-outcome="fees_per_household_rupiah"]')
    assert _inside(fees.bounding_box(), viewport)
    assert re.search(r"\(−\d+%\)", fees.inner_text()), fees.inner_text()        # pemekaran cuts the fees
    small = [(text, round(px, 1)) for text, px in page.evaluate(MAP_TEXT_PX) if px < 12]
    assert not small, f"map text below 12 px: {small}"
    page.screenshot(path=str(tmp_path / f"lesson_{viewport['width']}_{lang}.png"))
    page.close()


@pytest.mark.parametrize("viewport", [LAPTOP, SMALL], ids=["1366x768", "1024x768"])
def test_the_projector_view_carries_the_key_numbers(server, browser, viewport):
    """Three years of pemekaran: the two maps look alike, the numbers beside them do not."""
    page = open_page(browser, server + "?compare=1&pemekaran=1&week=156&view=projector", viewport)
    wait_week(page, 156)
    assert page.locator(".controls-column").count() == 0 and page.locator("svg.village-map").count() == 2
    for i in (0, 1):
        numbers = page.locator(".map-panel").nth(i).locator(".number-item")
        assert numbers.count() == 4
        for k in range(4):
            box = numbers.nth(k).bounding_box()
            assert _inside(box, viewport), (i, k, box)
            size = float(numbers.nth(k).evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
            assert size >= 16, (i, k, size)                        # read from the back of a room
    fees = page.locator(".map-panel").first.locator('.number-item[data-outcome="fees_per_household_rupiah"]')
    cut = int(re.search(r"\(−(\d+)%\)", fees.inner_text()).group(1))
    assert cut >= 15, fees.inner_text()             # the fees' fall (measured a quarter) said on screen
    small = [(text, round(px, 1)) for text, px in page.evaluate(MAP_TEXT_PX) if px < 16]
    assert not small, f"projector map text below 16 px: {small}"
    page.close()


def test_unticked_switches_say_their_name_and_settings_of_a_policy_off_do_not_move(server, browser):
    page = open_page(browser, server, LAPTOP)
    labels = page.locator(".policy-switch label").all_inner_texts()
    assert len(labels) == 5 and not [text for text in labels if text.endswith((": on", ": aktif"))], labels
    assert shown_value(page, "digital_training_intensity") == "15% a year"
    set_slider_end(page, "digital_training_intensity", "End")              # off: the slider does not move
    set_slider_end(page, "digital_training_duration", "Home")
    time.sleep(1.0)
    assert shown_value(page, "digital_training_intensity") == "15% a year"
    assert shown_value(page, "digital_training_duration") == "from week 52 on"
    click_label(page, "Digital training")
    page.wait_for_selector('.village-panel .policy[data-policy="digital_training"]:not(.policy-off)', timeout=10_000)
    set_slider_end(page, "digital_training_intensity", "End")
    set_slider_end(page, "digital_training_duration", "Home")
    # the value and its note are two widgets, updated by two messages: wait for both, not for the first
    page.wait_for_function("() => { const c = document.querySelector('[data-name=\"digital_training_duration\"]');"
                           " return c.querySelector('.control-value').innerText === '1 year'"
                           " && c.querySelector('.control-note').innerText.includes('ends in week 104'); }",
                           timeout=10_000)
    page.wait_for_function("() => document.querySelector('[data-name=\"digital_training_intensity\"] .control-value')"
                           ".innerText === '100% a year'", timeout=10_000)
    reset(page)
    page.wait_for_selector("text=Policies on: Digital training", timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('.policy-end').length >= 6", timeout=30_000)
    assert page.locator(".policy-end").count() == 6 and page.locator(".policy-end").first.get_attribute(
        "data-week") == "104"                                              # every chart marks where it ends
    page.close()


def test_reset_says_that_a_new_village_is_being_built(server, browser):
    page = open_page(browser, server, LAPTOP)
    seed = page.get_by_label("Seed (whole number)")
    seed.fill("917")
    seed.press("Enter")
    set_slider_end(page, "n_households", "End")                            # 5,000 households: a second or more
    reset(page)
    page.wait_for_selector(".stage-notice:has-text('Building a new village')", timeout=10_000)
    page.wait_for_selector(".stage-notice", state="detached", timeout=120_000)
    assert week(page) == 0 and page.locator("svg.village-map").count() == 1
    page.close()


def test_the_dots_show_digital_literacy_on_demand(server, browser):
    page = open_page(browser, server + "?compare=1&digital_training=1&week=208", LAPTOP)    # three years of it
    wait_week(page, 208)
    assert page.locator('g.residents[data-dots="channel"]').count() == 2
    page.locator(".dots-switch").get_by_role("button", name="digital literacy").click()
    page.wait_for_selector('g.residents[data-dots="literacy"]', timeout=10_000)
    page.wait_for_function("() => document.querySelectorAll('g.residents[data-dots=\"literacy\"]').length == 2",
                           timeout=10_000)
    wait_text(page.locator(".map-key"), "literacy 0.8 or more")
    from sim.viz.drawing import LITERACY_COLOURS

    counts = page.evaluate("""() => [...document.querySelectorAll('g.residents')].map(g =>
      [...g.querySelectorAll('path')].map(p => [p.getAttribute('stroke'),
                                                (p.getAttribute('d').match(/h0/g) || []).length]))""")
    literate = [sum(n for colour, n in bands if colour in LITERACY_COLOURS[2:]) for bands in counts]   # 0.4 and more
    assert literate[0] > 1.3 * literate[1], (literate, counts)            # trained village against its baseline
    page.close()


# ------------------------------------------------------------------------------------------ 11. the lesson is kept
def village_in_indonesian(page, switches, weeks, shown):
    """Tick ``switches`` (their Indonesian labels), Reset, wait for ``shown`` (a selector), step ``weeks`` weeks."""
    for label in switches:
        click_label(page, label)
    reset(page)
    page.wait_for_selector(shown, timeout=60_000)
    for _ in range(weeks):
        button(page, "Maju").click()
    wait_week(page, weeks)


def test_language_settings_view_and_week_survive_a_reload(server, browser):
    page = open_page(browser, server, LAPTOP)
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
    village_in_indonesian(page, ["Berdampingan: kebijakan dan tanpa kebijakan", "Pelatihan digital"], 3, ".maps-two")
    page.locator(".dots-switch").get_by_role("button", name="literasi digital").click()
    click_label(page, "Pemekaran (pusat pindah ke Bumiayu)")                 # ticked, not applied
    page.wait_for_selector(".pending-mark", timeout=10_000)
    time.sleep(1.0)
    assert "lang=id" in page.url and "week=3" in page.url, page.url
    page.reload()
    page.wait_for_selector("svg.village-map", timeout=90_000)
    page.wait_for_selector("text=Kebijakan aktif: Pelatihan digital", timeout=30_000)
    wait_week(page, 3, index=0)
    wait_week(page, 3, index=1)
    page.wait_for_selector('.policy-switch[data-policy="pemekaran"] .pending-mark', timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('g.residents[data-dots=\"literacy\"]').length == 2",
                           timeout=30_000)
    assert week(page, 0) == 3 and week(page, 1) == 3 and page.locator(".maps-two").count() == 1
    assert page.get_by_role("checkbox", name="Pemekaran (pusat pindah ke Bumiayu)").is_checked()
    assert page.locator('.policy-switch[data-policy="pemekaran"] .pending-mark').count() == 1     # still not applied
    assert page.locator('g.residents[data-dots="literacy"]').count() == 2
    assert "Bahasa: Bahasa Indonesia" in page.inner_text("body")
    page.close()


def test_a_restarted_server_brings_the_lesson_back_by_itself(playwright, chromium):
    """The server stops under an open tab: the tab says so in its language (not Solara's English dialog and
    spinner), and when the server runs again the tab comes back by itself, at its week, in its language."""
    from sim.viz.serve import free_port, page_server

    port = free_port()
    browser = playwright.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
    try:
        with page_server(port=port) as first:
            page = open_page(browser, first.url + "?lang=id", LAPTOP)
            village_in_indonesian(page, ["Pemekaran (pusat pindah ke Bumiayu)"], 2, "text=Kebijakan aktif: Pemekaran")
            time.sleep(1.0)
        page.wait_for_selector(".classroom-connection:has-text('Halaman kehilangan servernya')", timeout=30_000)
        time.sleep(2.0)
        assert not page.get_by_text("Server disconnected").is_visible()
        assert not page.get_by_text("Please refresh the page").is_visible()
        with page_server(port=port):
            page.wait_for_selector(".classroom-connection", state="detached", timeout=120_000)
            page.wait_for_selector("text=Kebijakan aktif: Pemekaran", timeout=60_000)
            wait_week(page, 2)
            assert week(page) == 2
            button(page, "Maju").click()                                 # and it runs again
            wait_week(page, 3)
    finally:
        browser.close()


# ------------------------------------------------------------------------------------------ 12. Mesa's own SolaraViz
def test_the_model_runs_in_mesas_own_solaraviz_offline(playwright, chromium):
    from sim.viz.serve import MESA_APP, page_server

    browser = playwright.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
    try:
        with page_server(app=MESA_APP) as server:
            page = browser.new_page(viewport=LAPTOP)
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url)
            page.wait_for_selector("svg.village-map", timeout=90_000)
            page.wait_for_selector("text=Time: 0.0", timeout=30_000)
            assert page.get_by_text("Model Parameters").count() == 1 and page.get_by_text("Households").count() >= 1
            assert page.locator("img, svg").count() >= 4                  # the map and Mesa's three plots
            page.get_by_role("button", name="Step").click()
            page.wait_for_selector("text=Time: 1.0", timeout=60_000)
            page.get_by_role("button", name="Reset").click()
            page.wait_for_selector("text=Time: 0.0", timeout=60_000)
            origin = server.url.rstrip("/")
            off = [u for u in requests if not u.startswith((origin, origin.replace("http", "ws"), "data:", "blob:"))]
            assert not off, f"the browser asked for {off}"
            assert not errors, errors
    finally:
        browser.close()
