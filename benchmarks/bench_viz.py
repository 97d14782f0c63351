"""Frame rate of the classroom page in headless Chromium (a benchmark, not a test).

Starts the page (``solara run sim/viz/app.py --production``) on a free local
port, opens it in Debian's Chromium through Playwright, presses Play and reads
the week shown on the map twice a second for ``--seconds``: rendered steps per
second = weeks advanced on screen / time. Then the same with the side-by-side
view (two models, two maps). Target: at least 10 rendered steps a second on
Bangbayang (2,200 households).

The machine's load average is printed with the numbers: other programs on the
same cores slow the page (and the browser drawing it) down.

Run: ``make bench`` or ``python benchmarks/bench_viz.py [--seconds 10] [--root DIR]``
(``--root``: the page of another copy of the project, e.g. an earlier version,
to compare the two on the same machine at the same time).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.shell.browser import HEADLESS_ARGS, find_chromium, missing_reason  # noqa: E402

CHROMIUM_ARGS = list(HEADLESS_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, root: Path = ROOT) -> subprocess.Popen:
    """``solara run <root>/sim/viz/app.py`` (the page of the project in ``root``) on 127.0.0.1."""
    solara = Path(sys.executable).with_name("solara")
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([str(solara), "run", str(root / "sim" / "viz" / "app.py"), "--host", "127.0.0.1",
                             "--port", str(port), "--production", "--no-open", "--no-check-version"], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the page did not start")


def week_on_map(page) -> int:
    """The week in the (first) map's title."""
    titles = page.locator(".map-title")
    # (the page before its own controls had the title inside the map's SVG)
    title = titles.first if titles.count() else page.locator("svg.village-map text").first
    text = title.text_content().split("—")[-1].replace(",", "")
    return int(re.search(r"(\d+)", text).group(1))


def button(page, start: str):
    return page.get_by_role("button", name=re.compile("^" + start)).first


def measure(page, seconds: float) -> float:
    button(page, "▶").click()
    time.sleep(1.0)                       # let the loop settle
    w0, t0 = week_on_map(page), time.perf_counter()
    samples = []
    while time.perf_counter() - t0 < seconds:
        time.sleep(0.5)
        samples.append((time.perf_counter() - t0, week_on_map(page)))
    button(page, "❚❚").click()
    elapsed, w1 = samples[-1]
    return (w1 - w0) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder whose page to measure")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    browser_path = find_chromium()
    if browser_path is None:
        sys.exit(f"bench_viz: {missing_reason()}")
    port = free_port()
    server = start_server(port, args.root.resolve())
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("svg.village-map", timeout=90_000)
            single = measure(page, args.seconds)
            print(f"classroom page, Bangbayang (2,200 households), one map: {single:.1f} rendered steps/s "
                  f"(target >= 10; {os.cpu_count()} cores, headless Chromium)")
            page.get_by_text("Side by side: policy and baseline", exact=True).first.click()
            button(page, "Reset").click()
            page.wait_for_selector("text=Baseline (no policy)", timeout=30_000)
            double = measure(page, args.seconds)
            print(f"side-by-side view (two models, two maps): {double:.1f} rendered steps/s")
            print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
