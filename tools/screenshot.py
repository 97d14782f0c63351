"""Make docs/classroom.png, the README's picture of the classroom page (from the real page).

Starts the page, switches pemekaran and digital training on with the side-by-side view,
runs two years and a half, and takes a screenshot in headless Chromium:

    .venv/bin/python tools/screenshot.py [--language en|id] [--out docs/classroom.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_viz import CHROMIUM_ARGS, free_port, start_server, week_on_map  # noqa: E402

from sim.shell.browser import find_chromium, missing_reason  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", choices=("en", "id"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "classroom.png"))
    parser.add_argument("--weeks", type=int, default=130)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    if find_chromium() is None:
        sys.exit(f"screenshot: {missing_reason()}")
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1250})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("svg.village-map", timeout=90_000)
            for label in ("Side by side: policy and baseline", "Pemekaran (seat moves to Bumiayu): on",
                          "Digital training: on"):
                page.get_by_text(label, exact=True).first.click()
            page.get_by_role("button", name="Reset").click()
            page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
            page.get_by_text("Show patron ties", exact=True).click()
            if args.language == "id":
                page.get_by_role("button", name="id", exact=True).click()
            page.get_by_role("button", name="▶").click()
            while week_on_map(page) < args.weeks:
                time.sleep(0.2)
            page.get_by_role("button", name="❚❚").click()
            time.sleep(1.0)
            page.screenshot(path=args.out)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
