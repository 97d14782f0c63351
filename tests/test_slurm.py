"""Experiments through a real Slurm: tools/slurm_cluster.py submits dask-jobqueue worker jobs to a one-node
Slurm on 127.0.0.1 (the `slurm` fixture of conftest.py), and the experiment runs on them."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from gate import HANG_GUARD_S, as_under_a_terminal
from helpers import same_tables
from helpers import small_experiment as run

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "slurm_cluster.py"
# Runs long enough (60 weeks) for the policies, which start in week 52, to act.
ARGS = ["experiment=pemekaran_vs_training", "replicates=3", "steps=60", "seed=4", "n_households=200"]
# Long enough (24 runs of about 0.25 s) that a job can be cancelled part way through.
LONGER = ["experiment=pemekaran_vs_training", "replicates=6", "steps=150", "seed=4", "n_households=300"]
ON_LOOPBACK = ["--interface", "lo", "--port", "0", "--memory", "2GB", "--walltime", "00:15:00"]


class Tool:
    """tools/slurm_cluster.py running against the test Slurm; its output lines collected as they come."""

    def __init__(self, slurm, *args, cwd):
        self.slurm = slurm
        self.proc = subprocess.Popen([sys.executable, str(TOOL), *args], cwd=cwd, env=slurm.env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                     preexec_fn=as_under_a_terminal)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = HANG_GUARD_S, after: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines[after:]:
                found = re.search(pattern, line)
                if found:
                    return found
            assert self.proc.poll() is None, f"the tool exited: {self.lines[-20:]} {self.proc.stderr.read()}"
            assert time.monotonic() < deadline, f"no line matching {pattern!r} in {timeout} s: {self.lines[-20:]}"
            time.sleep(0.1)

    @property
    def address(self) -> str:
        return self.wait_for(r"^scheduler at (tcp://\S+)$").group(1)

    def stop(self) -> None:
        """Ctrl-C, as a user stops it: the tool cancels its jobs."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self._reader.join(timeout=10)


@pytest.fixture
def tool(slurm, tmp_path):
    started = []

    def start(*args):
        started.append(Tool(slurm, *args, cwd=tmp_path))
        return started[-1]

    yield start
    for t in started:
        t.stop()
    wait_until_no_jobs(slurm)           # the next test starts on an empty queue


@pytest.fixture(scope="module")
def serial_reference(tmp_path_factory):
    return run(ARGS, tmp_path_factory.mktemp("serial"), executor="serial", workers=1)


def wait_until_no_jobs(slurm, timeout=HANG_GUARD_S):
    deadline = time.monotonic() + timeout
    while slurm.jobs():
        assert time.monotonic() < deadline, f"jobs left: {slurm.jobs()}"
        time.sleep(0.3)


def slurm_jobs_of_workers(address) -> set[str]:
    from distributed import Client

    with Client(address, timeout=10) as client:
        return set(client.run(lambda: os.environ.get("SLURM_JOB_ID", "none")).values())


def test_experiment_through_slurm_matches_serial(slurm, tool, serial_reference, tmp_path):
    t = tool("--jobs", "1", "--cores", "2", "--partition", "debug", *ON_LOOPBACK)
    address = t.address
    assert address.startswith("tcp://127.0.0.1:")
    job = t.wait_for(r"^job (\d+) submitted \(2 workers\)$").group(1)
    t.wait_for(r"^workers: 2 of 2 connected$")
    assert slurm.jobs() == {job: "RUNNING"}
    assert slurm_jobs_of_workers(address) == {job}      # the workers run inside the Slurm job
    folder = run(ARGS, tmp_path / "slurm", executor="dask", workers=None, dask_address=address)
    same_tables(folder, serial_reference)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_completed"] == 12
    assert manifest["dask_address"] == address
    t.stop()                                             # Ctrl-C cancels the tool's jobs
    assert t.proc.returncode == 0 and t.lines[-1] == "stopping: cancelling the jobs"
    wait_until_no_jobs(slurm)


def test_cancelled_job_loses_no_run_and_is_replaced(slurm, tool, tmp_path):
    # The cluster's only job is cancelled part way through: the design can finish only on its replacement.
    t = tool("--jobs", "1", "--cores", "2", *ON_LOOPBACK)
    address = t.address
    first = t.wait_for(r"^job (\d+) submitted").group(1)
    t.wait_for(r"^workers: 2 of 2 connected$")
    result = {}

    def go():
        try:
            result["folder"] = run(LONGER, tmp_path / "slurm", executor="dask", workers=None, dask_address=address)
        except BaseException as exc:  # surfaced below
            result["error"] = exc

    thread = threading.Thread(target=go)
    thread.start()

    def finished():
        return len(list(tmp_path.glob("slurm/*/*/runs/run_*.parquet")))

    deadline = time.monotonic() + HANG_GUARD_S
    while finished() < 4:
        assert time.monotonic() < deadline and thread.is_alive(), result
        time.sleep(0.05)
    slurm.run(["scancel", first])
    done_when_cancelled = finished()
    shown = len(t.lines)
    thread.join(timeout=HANG_GUARD_S)
    assert not thread.is_alive(), f"the experiment did not finish after its job was cancelled: {t.lines[-5:]}"
    assert "error" not in result, result.get("error")
    t.wait_for(rf"^job {first} ended; submitting a replacement$", after=shown)
    second = t.wait_for(r"^job (\d+) submitted", after=shown).group(1)
    assert second != first and done_when_cancelled < 24
    assert slurm.jobs() == {second: "RUNNING"} and slurm_jobs_of_workers(address) == {second}
    folder = result["folder"]
    runs_table = pd.read_parquet(folder / "runs.parquet")
    design = pd.read_parquet(folder / "design.parquet")
    assert len(design) == 24
    assert runs_table["run_id"].is_unique and sorted(runs_table["run_id"]) == sorted(design["run_id"])
    assert len(list((folder / "runs").glob("run_*.parquet"))) == 24
    reference = run(LONGER, tmp_path / "serial", executor="serial", workers=1)
    same_tables(folder, reference)


@pytest.mark.parametrize("args, option", [
    (["--partition", "nope"], "--partition"),
    (["--cores", "4096"], "--cores"),
    (["--memory", "100TB"], "--memory"),
    (["--walltime", "02:00:00"], "--walltime"),        # the debug partition allows one hour
    (["--walltime", "two hours"], "--walltime"),
    (["--interface", "nope0"], "--interface"),
    (["--jobs", "0"], "--jobs"),
])
def test_bad_settings_are_one_line_and_submit_nothing(slurm, tmp_path, args, option):
    # A job that could not start (a partition Slurm does not have, more cores or memory than a node, a walltime
    # over the partition's limit) is refused before anything is submitted or written.
    settings = {"--jobs": "1", "--cores": "1", "--memory": "1GB", "--walltime": "00:10:00", "--interface": "lo"}
    settings.update(dict(zip(args[::2], args[1::2])))
    out = subprocess.run([sys.executable, str(TOOL), *[x for kv in settings.items() for x in kv]], cwd=tmp_path,
                         env=slurm.env, capture_output=True, text=True, timeout=HANG_GUARD_S)
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    value = settings[option]
    assert lines[0].startswith(f"error: {option}=") and value.split()[0] in lines[0] and "is not valid: allowed" in \
        lines[0], lines[0]
    assert out.stdout == "" and list(tmp_path.iterdir()) == []
    assert slurm.jobs() == {}


def test_a_job_that_cannot_start_is_one_line_and_no_folder(slurm, tool, tmp_path):
    # The partition `closed` is down: Slurm accepts the job and never starts it.
    t = tool("--jobs", "1", "--cores", "1", "--partition", "closed", *ON_LOOPBACK)
    address = t.address
    t.wait_for(r"^partition closed is down: the jobs wait until it is up$")
    job = t.wait_for(r"^job (\d+) pending \(PartitionDown\)$").group(1)
    out = subprocess.run([sys.executable, "-m", "sim", *ARGS, "executor=dask", f"dask_address={address}",
                          f"results_dir={tmp_path / 'r'}"], cwd=ROOT, capture_output=True, text=True,
                         timeout=HANG_GUARD_S)
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert lines[0].startswith(f"error: dask_address='{address}' is not valid") and "none joined" in lines[0]
    assert not (tmp_path / "r").exists()
    assert slurm.jobs() == {job: "PENDING"}


# ------------------------------------------------------------------ without Slurm
def _pytest_slurm_tests(tmp_path, **extra):
    """A Slurm test of this module where no Slurm program is found (a plugin hides them); CI only if given."""
    (tmp_path / "hide_slurm.py").write_text("import slurm_local\nslurm_local.program = lambda name: None\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT / "tests")]), **extra)
    return subprocess.run([sys.executable, "-m", "pytest", "tests/test_slurm.py", "-q", "-rs", "-p", "hide_slurm",
                           "-p", "no:cacheprovider", "-k", "matches_serial"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD_S)


def test_without_slurm_its_tests_are_skipped_with_the_reason_and_the_fix(tmp_path):
    out = _pytest_slurm_tests(tmp_path)
    summary = out.stdout.strip().splitlines()[-1]
    assert out.returncode == 0 and "1 skipped" in summary and "passed" not in summary, out.stdout
    assert "sudo apt-get install slurm-wlm munge" in out.stdout


def test_under_ci_a_missing_slurm_fails(tmp_path):
    out = _pytest_slurm_tests(tmp_path, CI="true")
    summary = out.stdout.strip().splitlines()[-1]
    assert out.returncode == 1 and "1 error" in summary and "skipped" not in summary, out.stdout
    assert "CI=true and Slurm and munge are not installed" in out.stdout


def test_a_non_root_user_is_told_to_run_as_root(monkeypatch):
    import slurm_local

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(slurm_local, "program", lambda name: f"/usr/sbin/{name}")
    assert "needs root" in slurm_local.missing_reason() and "sudo make test" in slurm_local.missing_reason()
