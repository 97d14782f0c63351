"""Serving the classroom page: ``make viz`` (``python -m sim.viz.serve``), and a server on a free local port for
tests, benchmarks and tools.

``python -m sim.viz.serve [--port 8765] [--app sim/viz/app.py]`` runs ``solara run <app> --host 127.0.0.1
--production`` in this process, from the checkout it is started in (its ``sim`` before any installed copy), and
ends quietly on Ctrl-C: one line, exit status 0, so that ``make viz`` does not report an error for the normal
way of stopping it.

``with page_server() as server:`` gives the page's ``server.url`` and the server process's ``server.pid``
(e.g. to measure its CPU); ``port=`` serves on a given port (a test restarts a server on the same one).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")
MESA_APP = APP.with_name("mesa_app.py")
ROOT = APP.parents[2]
PORT = 8765


def quiet_server() -> None:
    """Settings for a page served on this machine, from an app as the server imports it: no usage statistics sent
    to Solara's makers (they leave the machine: api.ipify.org, api.mixpanel.com), no "This website runs on
    Solara" badge, and no twelve-line warning about samesite cookies at the first request (served on 127.0.0.1
    over http and never embedded in another site, Solara's fallback to samesite=lax is what a page needs)."""
    import warnings

    import solara.server.settings

    solara.server.settings.telemetry.mixpanel_enable = False
    solara.server.settings.theme.show_banner = False
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def solara_args(app: Path, port: int) -> list[str]:
    """``solara run``'s arguments for an app on 127.0.0.1.

    ``--no-check-version``: otherwise ``solara run`` asks pypi.org for its newest version at every start,
    a request off the machine before the page is even loaded.
    """
    return ["run", str(app), "--host", "127.0.0.1", "--port", str(port), "--production", "--no-open",
            "--no-check-version"]


def main(argv: list[str] | None = None) -> int:
    """Serve a page until Ctrl-C (``make viz``); the exit status is 0 when it was stopped so."""
    parser = argparse.ArgumentParser(prog="python -m sim.viz.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=PORT, help=f"the port on 127.0.0.1 (default {PORT})")
    parser.add_argument("--app", type=Path, default=APP, help="the page (default: the classroom page)")
    args = parser.parse_args(argv)
    import click
    from solara.__main__ import cli as solara_cli

    # The checkout's own package first (what `python -m` from the checkout already gives), also for the app's
    # imports, which Solara runs with the app's folder on the path.
    sys.path.insert(0, str(ROOT))
    print(f"Page: http://127.0.0.1:{args.port}  (Ctrl-C to stop)", flush=True)
    try:
        solara_cli(solara_args(args.app, args.port), prog_name="solara", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        pass
    print("Page stopped.", flush=True)
    return 0


@dataclass
class PageServer:
    """A running page server: its address and process."""

    url: str
    pid: int
    process: subprocess.Popen


@contextmanager
def page_server(env: dict | None = None, log: Path | None = None, timeout: float = 120.0, port: int | None = None,
                app: Path = APP):
    """``python -m sim.viz.serve`` on 127.0.0.1 (a free port unless ``port`` is given), from this checkout;
    stopped (its process group) on exit. ``env`` adds environment variables; ``log`` receives the server's
    output (else it is discarded); ``app`` is the page (the classroom page by default).
    """
    port = free_port() if port is None else port
    out = open(log, "a") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "sim.viz.serve", "--port", str(port), "--app", str(app)],
                            cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"the page server exited with code {proc.returncode}") from None
                if time.time() > deadline:
                    raise RuntimeError("the page server did not start") from None
                time.sleep(0.3)
        yield PageServer(url, proc.pid, proc)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if log is not None:
            out.close()


if __name__ == "__main__":
    sys.exit(main())
