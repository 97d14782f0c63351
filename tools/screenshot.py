"""Make the classroom page's pictures for docs/classroom.md (from the real page, in headless Chromium).

Starts the page, switches pemekaran and digital training on in the side-by-side view, shows the patron
ties, runs two years and a half and takes a screenshot at a laptop's size:

    .venv/bin/python tools/screenshot.py                      # docs/classroom.png (English)
    .venv/bin/python tools/screenshot.py --language id        # docs/classroom_id.png (Bahasa Indonesia)
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.shell.browser import HEADLESS_ARGS, find_chromium, missing_reason  # noqa: E402
from sim.viz.serve import page_server  # noqa: E402


def week_on_map(page) -> int:
    return int(re.findall(r"\d+", page.locator(".map-title").first.inner_text().split("—")[-1].replace(",", ""))[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", choices=("en", "id"))
    parser.add_argument("--out", default=None, help="default: docs/classroom.png, docs/classroom_id.png in ID")
    parser.add_argument("--weeks", type=int, default=130)
    parser.add_argument("--size", default="1440x900", help="the browser window, width x height")
    args = parser.parse_args()
    out = args.out or str(ROOT / "docs" / ("classroom.png" if args.language == "en" else "classroom_id.png"))
    width, height = (int(v) for v in args.size.split("x"))
    from playwright.sync_api import sync_playwright

    if find_chromium() is None:
        sys.exit(f"screenshot: {missing_reason()}")
    with page_server() as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(HEADLESS_ARGS))
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(server.url)
        page.wait_for_selector("svg.village-map", timeout=90_000)
        for label in ("Side by side: policy and baseline", "Pemekaran (seat moves to Bumiayu)",
                      "Digital training", "Show patron ties"):
            page.get_by_text(label, exact=True).first.click()
        page.get_by_role("button", name=re.compile("^Reset")).click()
        page.wait_for_selector("text=Baseline (no policy) — week 0", timeout=30_000)
        if args.language == "id":
            page.get_by_role("button", name="id", exact=True).click()
            page.wait_for_selector("text=Kebutuhan yang dibayar ke perangkat atau calo", timeout=30_000)
        page.get_by_role("button", name=re.compile("^▶")).click()
        while week_on_map(page) < args.weeks:
            time.sleep(0.2)
        page.get_by_role("button", name=re.compile("^❚❚")).click()
        time.sleep(1.0)
        page.screenshot(path=out)
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
