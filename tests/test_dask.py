"""Experiments on a real Dask cluster on 127.0.0.1: a `dask scheduler` and `dask worker` processes."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from gate import HANG_GUARD_S, Gate, gated_compute
from helpers import same_tables
from helpers import small_experiment as run

import sim.experiments.executors as executors

ROOT = Path(__file__).resolve().parents[1]
DASK = str(Path(sys.executable).with_name("dask"))
ARGS = ["experiment=pemekaran_vs_training", "replicates=3", "steps=60", "seed=4", "n_households=300"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and named workers, each its own process group; stop() ends every process started."""

    def __init__(self, n_workers=2, env=None, scheduler_env=None):
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--no-dashboard"], env=scheduler_env)
        for i in range(n_workers):
            self.add_worker(f"w{i}", env=env)
        self.wait_for(n_workers)

    def _start(self, name, cmd, env=None):
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            start_new_session=True, env={**os.environ, **(env or {})})

    def add_worker(self, name, env=None):
        self._start(name, [DASK, "worker", self.address, "--nthreads", "1", "--nworkers", "1", "--name", name,
                           "--no-dashboard", "--death-timeout", "30"], env=env)

    def wait_for(self, n, timeout=HANG_GUARD_S):
        from distributed import Client

        deadline = time.time() + timeout
        while True:
            try:
                with Client(self.address, timeout=5) as c:
                    c.wait_for_workers(n, timeout=max(1, deadline - time.time()))
                    return
            except (OSError, TimeoutError):
                assert time.time() < deadline, "the test cluster did not come up"
                time.sleep(0.5)

    def kill(self, name, sig=signal.SIGKILL):
        os.killpg(self.procs[name].pid, sig)
        self.procs[name].wait(timeout=HANG_GUARD_S)

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
        assert all(p.poll() is not None for p in self.procs.values())


@pytest.fixture
def cluster():
    c = Cluster()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def serial_reference(tmp_path_factory):
    return run(ARGS, tmp_path_factory.mktemp("serial"), executor="serial", workers=1)


def test_cluster_run_matches_serial(cluster, serial_reference, tmp_path):
    folder = run(ARGS, tmp_path, executor="dask", workers=None, dask_address=cluster.address)
    same_tables(folder, serial_reference)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["executor"] == "dask" and manifest["dask_address"] == cluster.address
    assert manifest["status"] == "complete" and manifest["runs_completed"] == 12


def test_local_cluster_matches_serial(serial_reference, tmp_path):
    folder = run(ARGS, tmp_path, executor="dask", workers=2)
    same_tables(folder, serial_reference)


def test_a_dead_worker_loses_no_run(tmp_path, monkeypatch):
    # Runs from the fifth on wait at a gate, in both workers: w0 is killed while it holds a run, which w1 must redo.
    gate = Gate(tmp_path / "gate", first=4)
    cluster = Cluster(env=gate.env(), scheduler_env=gate.env())     # both unpickle the gated task
    monkeypatch.setattr(executors, "compute", gated_compute)
    args = ["experiment=pemekaran_vs_training", "replicates=8", "steps=150", "seed=4", "n_households=400"]
    result = {}

    def go():
        try:
            result["folder"] = run(args, tmp_path / "dask", executor="dask", workers=None,
                                   dask_address=cluster.address)
        except BaseException as exc:  # surfaced below
            result["error"] = exc

    thread = threading.Thread(target=go)
    thread.start()
    try:
        gate.wait_for(lambda: len(gate.waiting()) >= 2 and len(list(tmp_path.glob("dask/*/*/runs/run_*.parquet"))) >= 4,
                      thread.is_alive, "a run held in each worker")
        cluster.kill("w0")                   # mid-experiment: its running task is redone on w1
        gate.release_all()
        thread.join(timeout=HANG_GUARD_S)
    finally:
        gate.release_all()
        cluster.stop()
    assert "error" not in result, result.get("error")
    runs = pd.read_parquet(result["folder"] / "runs.parquet")
    design = pd.read_parquet(result["folder"] / "design.parquet")
    assert runs["run_id"].is_unique and sorted(runs["run_id"]) == sorted(design["run_id"])
    reference = run(args, tmp_path / "serial", executor="serial", workers=1)
    same_tables(result["folder"], reference)


def test_unreachable_address_is_one_line_and_writes_nothing(tmp_path):
    out = subprocess.run([sys.executable, "-m", "sim", *ARGS, "executor=dask",
                          f"dask_address=tcp://127.0.0.1:{free_port()}", f"results_dir={tmp_path / 'r'}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S)
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode != 0 and len(lines) == 1 and "dask_address" in lines[0], out.stderr
    assert not (tmp_path / "r").exists()


def test_workers_with_other_versions_are_refused(tmp_path):
    # A worker whose Python finds a different Mesa first (a fake distribution on its PYTHONPATH).
    fake = tmp_path / "fake"
    info = fake / "mesa-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mesa\nVersion: 0.0.1\n")
    c = Cluster(n_workers=1, env={"PYTHONPATH": str(fake)})
    try:
        out = subprocess.run([sys.executable, "-m", "sim", *ARGS, "executor=dask", f"dask_address={c.address}",
                              f"results_dir={tmp_path / 'r'}"], cwd=ROOT, capture_output=True, text=True,
                             timeout=HANG_GUARD_S)
    finally:
        c.stop()
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode != 0 and len(lines) == 1, out.stderr
    assert "mesa 0.0.1" in lines[0] and "same version" in lines[0]
    assert not (tmp_path / "r").exists()


def test_cluster_going_away_stops_cleanly_and_resume_finishes(tmp_path, serial_reference):
    # The cluster goes away while its worker holds the second run at a gate: never after the last run.
    gate = Gate(tmp_path / "gate", first=1)
    c = Cluster(n_workers=1, env=gate.env(), scheduler_env=gate.env())
    try:
        args = [*ARGS[:1], "replicates=3", "steps=300", "seed=4", "n_households=300"]
        proc = gate.start([*args, "executor=dask", f"dask_address={c.address}", f"results_dir={tmp_path / 'r'}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        gate.wait_for(lambda: gate.waiting() and list(tmp_path.glob("r/*/*/runs/run_*.parquet")),
                      lambda: proc.poll() is None, "the second run at the gate")
        c.kill("scheduler")
        c.kill("w0")
        _, err = proc.communicate(timeout=HANG_GUARD_S)
    finally:
        c.stop()
    lines = [line for line in err.splitlines() if line.strip()]
    assert proc.returncode != 0 and lines and lines[-1].startswith("error: "), err
    assert "went away" in lines[-1] and "resume=" in lines[-1]
    folder = next((tmp_path / "r" / "pemekaran_vs_training").iterdir())
    assert json.loads((folder / "manifest.json").read_text())["status"] == "interrupted"
    out = subprocess.run([sys.executable, "-m", "sim", f"resume={folder}", "executor=serial"], cwd=ROOT,
                         capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert out.returncode == 0, out.stderr
    reference = run(args, tmp_path / "serial", executor="serial", workers=1)
    same_tables(folder, reference)
