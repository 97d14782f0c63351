"""The classroom page in a real browser: Debian's Chromium driven by Playwright.

Starts the page with ``solara run`` on a free local port, as ``make viz`` does.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim.shell.browser import HEADLESS_ARGS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(chromium):   # no browser, no page server: the tests skip (or fail under CI) before it starts
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    solara = Path(sys.executable).with_name("solara")
    proc = subprocess.Popen([str(solara), "run", str(ROOT / "sim" / "viz" / "app.py"), "--host", "127.0.0.1",
                             "--port", str(port), "--production", "--no-open"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            assert time.time() < deadline, "the page server did not start"
            assert proc.poll() is None, "the page server exited"
            time.sleep(0.3)
    yield url
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=list(HEADLESS_ARGS))
        yield b
        b.close()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(url)
    page.wait_for_selector("svg.village-map", timeout=90_000)
    return page


def week(page, index=0) -> int:
    text = page.locator("svg.village-map").nth(index).locator("text").first.text_content()
    return int(re.findall(r"\d+", text.split("—")[-1])[0])


def wait_week(page, target, index=0, timeout=20.0):
    deadline = time.time() + timeout
    while week(page, index) < target:
        assert time.time() < deadline, f"week {week(page, index)} never reached {target}"
        time.sleep(0.1)


def click_label(page, text):
    page.get_by_text(text, exact=True).first.click()


def test_page_loads_draws_steps_and_plays(server, browser, tmp_path):
    page = open_page(browser, server)
    assert page.locator("svg.village-map").count() == 1
    assert page.locator("svg.chart").count() == 4
    assert page.locator("svg.village-map path").count() > 5         # residents, officials, roads
    assert week(page) == 0
    page.get_by_role("button", name="Step").click()
    wait_week(page, 1)
    page.get_by_role("button", name="▶").click()
    wait_week(page, 6)
    page.get_by_role("button", name="❚❚").click()
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
    page.get_by_text("Pemekaran (seat moves to Bumiayu): on").click()
    page.locator("text=Enforcement (Saber Pungli, Ombudsman): on").click()
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector("text=Policies on: Pemekaran (seat moves to Bumiayu), Enforcement", timeout=30_000)
    # Reset keeps the controls' values: the switches stay on, and a second Reset rebuilds the same policies.
    assert page.get_by_role("checkbox", name="Pemekaran (seat moves to Bumiayu): on").is_checked()
    page.get_by_role("button", name="Reset").click()
    time.sleep(1.0)
    assert page.get_by_text("Policies on: Pemekaran (seat moves to Bumiayu), Enforcement").count() == 1
    for _ in range(3):                                 # the policy starts in week 52: run until then
        page.get_by_role("button", name="Step").click()
    wait_week(page, 3)
    page.close()


def test_language_switch_changes_labels(server, browser):
    page = open_page(browser, server)
    assert page.get_by_text("Needs handled through officials or brokers").count() == 1
    page.get_by_role("button", name="id", exact=True).click()
    page.wait_for_selector("text=Kebutuhan lewat perangkat atau calo", timeout=30_000)
    body = page.inner_text("body")
    for phrase in ("Peta desa", "Bahasa: Bahasa Indonesia", "Benih acak (bilangan bulat)",
                   "Pemekaran (pusat pindah ke Bumiayu): aktif", "Rumah tangga terikat pada satu patron"):
        assert phrase in body or page.get_by_text(phrase).count() > 0, phrase
    assert "dititipkan ke perangkat" in page.locator("svg.village-map").first.inner_html()
    page.get_by_role("button", name="en", exact=True).click()
    page.wait_for_selector("text=Needs handled through officials or brokers", timeout=30_000)
    page.close()


def test_each_tab_has_its_own_model(server, browser):
    first = open_page(browser, server)
    for _ in range(3):
        first.get_by_role("button", name="Step").click()
    wait_week(first, 3)
    second = open_page(browser, server)
    assert week(second) == 0
    assert week(first) == 3
    first.close()
    second.close()


def test_side_by_side_view_runs(server, browser):
    page = open_page(browser, server)
    click_label(page, "Side by side: policy and baseline")
    click_label(page, "Digital training: on")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
    assert page.locator("svg.village-map").count() == 2
    page.get_by_role("button", name="Step").click()
    wait_week(page, 1, index=0)
    wait_week(page, 1, index=1)
    assert "Baseline (no policy)" in page.locator("svg.chart").first.inner_html()
    page.close()


def test_bad_seed_shows_a_message_and_the_page_stays_usable(server, browser):
    page = open_page(browser, server)
    seed = page.get_by_label("Seed (whole number)")
    for text, message in (("abc", "is not a whole number"), ("", "The seed was empty")):
        seed.fill(text)
        seed.press("Enter")
        page.get_by_role("button", name="Reset").click()
        page.wait_for_selector(f"text={message}", timeout=30_000)
        page.get_by_role("button", name="Step").click()
        wait_week(page, 1)
    seed.fill("42")
    seed.press("Enter")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !document.body.innerText.includes('The seed was empty')", timeout=30_000)
    assert week(page) == 0
    page.close()


def test_extreme_slider_values_keep_the_page_usable(server, browser):
    page = open_page(browser, server)
    sliders = page.locator(".v-slider__thumb-container")
    n = sliders.count()
    assert n >= 10
    for i in range(n):
        sliders.nth(i).focus()
        sliders.nth(i).press("End" if i % 2 else "Home")
    page.get_by_role("button", name="Reset").click()
    time.sleep(1.0)
    page.get_by_role("button", name="Step").click()
    wait_week(page, 1)
    assert page.locator("svg.village-map").count() == 1
    assert "Traceback" not in page.inner_text("body")
    page.close()
