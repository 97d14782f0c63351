"""`make viz` as a lecturer uses it: offline after a pull (no reinstall because pyproject.toml changed), and
stopped with Ctrl-C without an error or a screenful of warnings."""

import os
import pty
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import read_terminal

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)                  # the environment running the tests (installed by make setup: .installed)


def dry_run(tmp_path, target):
    """``make -n target`` in a copy of the Makefile whose environment was installed before pyproject.toml changed."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    (venv / ".installed").touch()
    os.utime(venv / ".installed", (time.time() - 3600, time.time() - 3600))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")     # newer: as after a pull
    out = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on PATH")
def test_make_viz_does_not_reinstall_after_pyproject_changed(tmp_path):
    planned = dry_run(tmp_path, "viz")
    assert "pip install" not in planned and "sim.viz.serve" in planned, planned
    assert "note: pyproject.toml changed since the last install" in planned
    assert "pip install" in dry_run(tmp_path, "setup")                # what a stale stamp otherwise triggers


@pytest.mark.skipif(shutil.which("make") is None or not (VENV / ".installed").exists(),
                    reason="needs make and an environment installed by make setup")
def test_ctrl_c_stops_make_viz_quietly():
    from sim.viz.serve import free_port

    port = free_port()
    pid, fd = pty.fork()
    if pid == 0:                                          # the child: make viz on a terminal, as a lecturer runs it
        os.chdir(ROOT)
        os.execvp("make", ["make", "viz", f"VENV={VENV}", f"PORT={port}"])
    out = bytearray()
    try:
        deadline = time.time() + 180
        served = False
        while time.time() < deadline and not served:
            out.extend(read_terminal(fd, 1))
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        f"http://127.0.0.1:{port}/", timeout=5) as page:
                    served = page.status == 200                   # the first request: where the cookie warning was
            except OSError:
                pass
        assert served, out.decode(errors="replace")
        out.extend(read_terminal(fd, 3))
        os.write(fd, b"\x03")                                     # Ctrl-C: SIGINT to the terminal's foreground group
        out.extend(read_terminal(fd, 60))
    finally:
        _, status = os.waitpid(pid, 0)
    text = out.decode(errors="replace").replace("\r", "")
    lines = [line for line in text.splitlines() if line.strip() and line.strip() != "^C"]
    assert "Page stopped." in text, text
    for word in ("Error", "Traceback", "samesite", "Aborted", "Warning"):
        assert word not in text, (word, text)
    assert len(lines) <= 5, lines                                 # a line to start, one to stop (and a note)
    assert not os.WIFEXITED(status) or os.WEXITSTATUS(status) == 0, text
