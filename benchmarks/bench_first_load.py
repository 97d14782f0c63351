"""First load of the classroom page in headless Chromium, against another copy of the project (a benchmark, not a
test).

Starts this checkout's page and, with ``--root DIR``, the page of another copy of the project (e.g. the version
before a change: ``git worktree add --detach /tmp/before <commit>``), each on its own port, lets both settle, then
loads them in turn, ``--rounds`` times each (A, B, A, B, …: both in the same minutes, under the same load): the
time from asking for the page in a fresh browser context (nothing cached) until the village map is drawn, and
until the charts are too. Prints each load, then the median, fastest and slowest of each, and the load average.

Run: ``python benchmarks/bench_first_load.py --root /tmp/before [--rounds 8]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_viz import CHROMIUM_ARGS, free_port, start_server  # noqa: E402

from sim.shell.browser import find_chromium, missing_reason  # noqa: E402


def first_load(browser, url: str) -> tuple[float, float]:
    """Seconds until the map is drawn, and until the six charts are, in a fresh context."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("svg.village-map", timeout=120_000)
    shown = time.perf_counter() - t0
    page.wait_for_function("() => document.querySelectorAll('svg.chart').length >= 6", timeout=120_000)
    charts = time.perf_counter() - t0
    context.close()
    return shown, charts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="another copy of the project to compare with")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait after the servers start")
    args = parser.parse_args()
    if find_chromium() is None:
        sys.exit(f"bench_first_load: {missing_reason()}")
    from playwright.sync_api import sync_playwright

    pages = {"this checkout": ROOT}
    if args.root is not None:
        pages[f"{args.root}"] = args.root.resolve()
    servers, urls = [], {}
    try:
        for name, root in pages.items():
            port = free_port()
            servers.append(start_server(port, root))
            urls[name] = f"http://127.0.0.1:{port}/"
        time.sleep(args.settle)               # both servers up and idle (a page may build a village at start)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            for round_ in range(args.rounds):
                for name, url in urls.items():
                    shown, charts = first_load(browser, url)
                    times[name].append((shown, charts))
                    print(f"round {round_ + 1}: {name}: map {shown:.2f} s, charts {charts:.2f} s", flush=True)
            browser.close()
        print(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
        for name, values in times.items():
            shown = [v[0] for v in values]
            print(f"{name}: map drawn after {statistics.median(shown):.2f} s (median of {len(shown)}; "
                  f"{min(shown):.2f}–{max(shown):.2f}), charts after {statistics.median(v[1] for v in values):.2f} s")
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
