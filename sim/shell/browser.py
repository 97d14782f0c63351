"""Finding a Chromium browser: one lookup for the report's figure export, the browser tests and the tools.

The report's static figures (plotly through kaleido) and the classroom page's
browser tests (Playwright) both drive a system Chromium. ``BROWSER_PATH`` (the
variable kaleido also reads) chooses one explicitly; otherwise the first of
``chromium``, ``chromium-browser`` and ``google-chrome`` on ``PATH`` is used.
"""

from __future__ import annotations

import os
import shutil

NAMES = ("chromium", "chromium-browser", "google-chrome")

# What fixes a missing browser, in one line (Debian and Ubuntu; `make setup` does it when run as root).
INSTALL_HINT = "install it with `sudo apt-get install chromium` (make setup does this when run as root)"

# Flags for a headless Chromium in a sandboxed machine: no sandbox (root), no GPU, and none of the
# background connections Chromium makes to Google's hosts (they fail, many at a time, offline).
HEADLESS_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic")


def find_chromium() -> str | None:
    """Path of the Chromium to drive, or None when there is none."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen is not None:
        path = shutil.which(chosen)
        return path if path else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_reason() -> str:
    """One sentence saying which browser was looked for and how to get one."""
    chosen = os.environ.get("BROWSER_PATH")
    where = f"BROWSER_PATH={chosen} is not an executable browser" if chosen is not None else (
        "no Chromium browser found (looked for " + ", ".join(NAMES) + " on PATH)")
    return f"{where}; {INSTALL_HINT}"
