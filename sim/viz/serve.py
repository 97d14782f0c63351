"""Starting the classroom page as ``make viz`` does, on a free local port: for tests, benchmarks and tools.

``with page_server() as server:`` gives the page's ``server.url`` and the server process's
``server.pid`` (e.g. to measure its CPU).
"""

from __future__ import annotations

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
ROOT = APP.parents[2]


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PageServer:
    """A running page server: its address and process."""

    url: str
    pid: int
    process: subprocess.Popen


@contextmanager
def page_server(env: dict | None = None, log: Path | None = None, timeout: float = 120.0):
    """``solara run sim/viz/app.py --production`` on 127.0.0.1; stopped (its process group) on exit.

    ``--no-check-version``: otherwise ``solara run`` asks pypi.org for its newest version at every start,
    a request off the machine before the page is even loaded. ``env`` adds environment variables;
    ``log`` receives the server's output (else it is discarded).
    """
    port = free_port()
    solara = Path(sys.executable).with_name("solara")
    out = open(log, "w") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen([str(solara), "run", str(APP), "--host", "127.0.0.1", "--port", str(port),
                             "--production", "--no-open", "--no-check-version"], cwd=ROOT,
                            env={**os.environ, **(env or {})},
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
