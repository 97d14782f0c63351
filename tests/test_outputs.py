"""Every output is written, or named as missing: a figure the renderer cannot make, a table that cannot be written
and an interruption at any moment (the figure export included) each end in one line and an exit status, with every
finished run kept, the manifest saying what is missing, and a resume (or the report command) completing it.

Faults come from tests/faults/sitecustomize.py (a kaleido that fails on one image), directories in the way of
files, and functions patched to raise; interruptions are synchronised on files appearing, never on sleeps.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from gate import as_under_a_terminal

from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import run_experiment

ROOT = Path(__file__).resolve().parents[1]
FAULTS = Path(__file__).parent / "faults"
TINY = ["experiment=pemekaran_vs_training", "replicates=1", "steps=60", "n_households=200"]
FIGURES = {f"{name}.{ext}" for name in ("trajectories", "effects", "quartiles_paid", "quartiles_shortfall")
           for ext in ("png", "svg")}
HANG_GUARD_S = 600   # only against a hang: every wait below ends on an event long before


def with_fault(fault: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SIM_TEST_FIGURE_FAULT"}
    if fault is not None:
        env["SIM_TEST_FIGURE_FAULT"] = fault
        env["PYTHONPATH"] = os.pathsep.join([str(FAULTS), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def sim(*args, fault=None):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=HANG_GUARD_S, env=with_fault(fault))


def report(folder, *args, fault=None):
    return subprocess.run([sys.executable, "-m", "sim.experiments.report", str(folder), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=HANG_GUARD_S, env=with_fault(fault))


def lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def manifest(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def runs_intact(folder) -> None:
    design = pd.read_parquet(folder / "design.parquet")
    files = sorted((folder / "runs").glob("run_*.parquet"))
    assert len(files) == len(design) and all(len(pd.read_parquet(f)) == 1 for f in files)
    assert not list(folder.rglob("*.tmp"))


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished experiment (its runs and tables, no report yet)."""
    _, spec, _ = prepare(TINY)
    settings = RunSettings("serial", results_dir=tmp_path_factory.mktemp("results"), progress=False)
    return run_experiment(spec, 0, settings)


@pytest.fixture
def folder(finished, tmp_path):
    copy = tmp_path / "experiment"
    shutil.copytree(finished, copy)
    return copy


# ------------------------------------------------------------------ figures the renderer cannot make
def test_a_figure_the_renderer_cannot_make_is_retried_then_one_error_line_and_resume_writes_it(chromium, tmp_path):
    results = tmp_path / "r"
    out = sim(*TINY, "executor=serial", f"results_dir={results}", fault="raise:trajectories.png")
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    folder = next((results / "pemekaran_vs_training").iterdir())
    errors = [line for line in lines(out.stderr) if line.startswith("error:")]
    assert len(errors) == 1 and errors[0] == lines(out.stderr)[-1], out.stderr
    assert str(folder / "figures" / "trajectories.png") in errors[0]
    assert "injected render failure of trajectories.png, in each of 2 attempts" in errors[0]
    assert f"python -m sim.experiments.report {folder}" in errors[0]
    runs_intact(folder)
    record = manifest(folder)
    assert record["status"] == "complete" and record["runs_completed"] == 4
    assert list(record["missing"]) == ["figures/trajectories.png"]
    assert "injected render failure" in record["missing"]["figures/trajectories.png"]
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES - {"trajectories.png"}
    assert (folder / "report.html").is_file() and (folder / "summary.csv").is_file()
    again = sim(f"resume={folder}", "executor=serial")
    assert again.returncode == 0, again.stderr
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES and manifest(folder)["missing"] == {}


def test_a_renderer_that_fails_once_is_retried_and_recovers(chromium, folder, tmp_path):
    marker = tmp_path / "failed_once"
    out = report(folder, fault=f"once:effects.png:{marker}")
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert marker.exists()                                      # it did fail, the first time
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES
    assert (folder / "figures" / "effects.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert manifest(folder)["missing"] == {}


def test_a_page_whose_script_has_not_run_is_tried_again_in_the_same_browser(chromium, folder):
    # On a loaded machine kaleido's tab can take the blank page's execution context, and the first render of the
    # session then finds no kaleido_scopes: in every fresh browser alike, so a fresh browser is no remedy.
    out = report(folder, fault="notready:*")
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES
    assert manifest(folder)["missing"] == {}


def test_an_image_the_renderer_says_it_made_but_did_not_is_named_not_a_traceback(chromium, folder):
    # kaleido reports a failed image among its return values, which plotly's write_images drops: the file is then
    # silently missing. It must be found missing, tried again, and named.
    out = report(folder, fault="silent:effects.svg")
    assert out.returncode == 1 and len(lines(out.stderr)) == 1, out.stderr
    line = lines(out.stderr)[0]
    assert line.startswith(f"error: could not write {folder / 'figures' / 'effects.svg'} (the browser wrote no file")
    assert "Traceback" not in out.stderr and "FileNotFoundError" not in out.stderr
    assert manifest(folder)["missing"] == {"figures/effects.svg": "the browser wrote no file, in each of 2 attempts"}
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES - {"effects.svg"}
    assert not list(folder.rglob("*.tmp"))


def test_without_a_browser_the_manifest_says_there_are_no_images_and_why(folder):
    out = subprocess.run([sys.executable, "-m", "sim.experiments.report", str(folder)], cwd=ROOT,
                         capture_output=True, text=True, timeout=HANG_GUARD_S,
                         env={**with_fault(None), "BROWSER_PATH": "/nonexistent/chromium"})
    assert out.returncode == 0, out.stderr
    missing = manifest(folder)["missing"]
    assert list(missing) == ["figures/"] and "BROWSER_PATH=/nonexistent/chromium" in missing["figures/"]


# ------------------------------------------------------------------ an interruption during the export
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interruption_during_the_export_exits_130_and_resume_writes_the_figures(chromium, tmp_path, sig):
    results, marker = tmp_path / "r", tmp_path / "export_started"
    proc = subprocess.Popen([sys.executable, "-m", "sim", *TINY, "executor=serial", f"results_dir={results}"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=with_fault(f"hang:quartiles_paid.png:{marker}"),
                            preexec_fn=as_under_a_terminal)
    deadline = time.monotonic() + HANG_GUARD_S
    while not marker.exists():                       # the export is under way: a browser is rendering an image
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)                     # Ctrl-C reaches the whole foreground group
    else:
        os.kill(proc.pid, sig)                       # a batch system's SIGTERM, to the experiment's process
    _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 130, err
    folder = next((results / "pemekaran_vs_training").iterdir())
    assert lines(err)[-1] == (f"interrupted while writing the report: every run is saved in {folder}; write the "
                              f"report with: python -m sim.experiments.report {folder}")
    assert "Traceback" not in err and not [line for line in lines(err) if line.startswith("error:")], err
    runs_intact(folder)
    record = manifest(folder)
    assert record["status"] == "complete" and "figures/" in record["missing"]
    assert "report.html" not in record["missing"]               # written before the figures, and said so
    again = sim(f"resume={folder}", "executor=serial")
    assert again.returncode == 0, again.stderr
    assert {p.name for p in (folder / "figures").iterdir()} == FIGURES and manifest(folder)["missing"] == {}


# ------------------------------------------------------------------ tables and files that cannot be written
def _main(monkeypatch, capsys, *args) -> tuple[int, str]:
    """``python -m sim <args>`` in this process: its exit status and its stderr."""
    from sim.__main__ import main

    monkeypatch.setattr(sys, "argv", ["sim", *args])
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = stop.code
    return code, capsys.readouterr().err


def test_a_report_file_that_cannot_be_written_is_one_error_line_naming_it(folder):
    (folder / "report.html").mkdir()                 # a directory in the way (root may write anywhere else)
    out = report(folder, "--no-images")
    assert out.returncode == 1 and len(lines(out.stderr)) == 1, out.stderr
    assert lines(out.stderr)[0].startswith(f"error: could not write {folder / 'report.html'} (IsADirectoryError: ")
    assert "Traceback" not in out.stderr
    assert "report.html" in manifest(folder)["missing"] and (folder / "summary.csv").is_file()
    runs_intact(folder)
    (folder / "report.html").rmdir()
    assert report(folder, "--no-images").returncode == 0 and manifest(folder)["missing"] == {}


def test_a_table_that_cannot_be_compacted_keeps_the_runs_and_resume_finishes(finished, folder, monkeypatch, capsys):
    (folder / "runs.parquet").unlink()
    (folder / "runs.parquet").mkdir()
    args = (f"resume={folder}", "executor=serial", "images=false")
    code, err = _main(monkeypatch, capsys, *args)
    assert code == 1 and "Traceback" not in err
    line = lines(err)[-1]
    assert line.startswith(f"error: could not write {folder / 'runs.parquet'} (IsADirectoryError: ")
    assert f"finish with: python -m sim resume={folder}" in line
    record = manifest(folder)
    assert record["status"] == "failed" and list(record["missing"]) == ["runs.parquet"]
    runs_intact(folder)
    (folder / "runs.parquet").rmdir()
    code, err = _main(monkeypatch, capsys, *args)
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(finished / "runs.parquet"))
    assert manifest(folder)["status"] == "complete"


# ------------------------------------------------------------------ Ctrl-C at other moments


def test_ctrl_c_while_the_tables_are_compacted_keeps_a_resumable_folder(finished, tmp_path, monkeypatch, capsys):
    import sim.experiments.runner as runner

    real = runner.compact

    def interrupted(folder, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "compact", interrupted)
    code, err = _main(monkeypatch, capsys, *TINY, "executor=serial", "images=false", f"results_dir={tmp_path}")
    folder = next((tmp_path / "pemekaran_vs_training").iterdir())
    assert code == 130 and "Traceback" not in err
    assert lines(err)[-1] == (f"interrupted: the 4 finished runs are kept in {folder}; finish with: python -m sim "
                              f"resume={folder}")
    assert manifest(folder)["status"] == "interrupted" and not (folder / "runs.parquet").exists()
    runs_intact(folder)
    monkeypatch.setattr(runner, "compact", real)
    code, err = _main(monkeypatch, capsys, f"resume={folder}", "executor=serial", "images=false")
    assert code == 0, err
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), pd.read_parquet(finished / "runs.parquet"))


def test_ctrl_c_before_any_run_writes_nothing(tmp_path, monkeypatch, capsys):
    import sim.experiments.runner as runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "make_executor", interrupted)      # while a cluster (or a pool) starts
    code, err = _main(monkeypatch, capsys, *TINY, "executor=serial", f"results_dir={tmp_path / 'a'}")
    assert code == 130 and lines(err) == ["interrupted: before any run; nothing was written"], err
    assert not (tmp_path / "a").exists()
    monkeypatch.undo()
    monkeypatch.setattr(runner, "write_parquet", interrupted)      # while the new folder is written
    code, err = _main(monkeypatch, capsys, *TINY, "executor=serial", f"results_dir={tmp_path / 'b'}")
    assert code == 130 and lines(err) == ["interrupted: before any run; nothing was written"], err
    assert not [p for p in (tmp_path / "b").rglob("*") if p.is_file()]      # no half-written folder, hidden or not


def test_ctrl_c_while_the_report_command_loads_is_one_line_and_130(folder):
    # The signal arrives exactly while the report's modules load (at its import of pandas): the command then ends
    # in one line and 130, as a Ctrl-C later does, and writes nothing.
    code = f"""
import builtins, os, runpy, signal, sys
real_import = builtins.__import__
def importing(name, *args, **kwargs):
    if name == "pandas" and "pandas" not in sys.modules:
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
sys.argv = ["report", {str(folder)!r}, "images=false"]
runpy.run_module("sim.experiments.report", run_name="__main__", alter_sys=True)
"""
    before = sorted(p.name for p in folder.iterdir())
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert out.returncode == 130, out.stderr
    assert "Traceback" not in out.stderr
    assert lines(out.stderr) == ["interrupted before the report was begun: nothing was written; run this command "
                                 "again to write it"]
    assert sorted(p.name for p in folder.iterdir()) == before
