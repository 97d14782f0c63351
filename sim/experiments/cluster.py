"""Running a design on a Dask cluster (``executor=dask``).

* With no address, a ``LocalCluster`` sized to the machine (one single-threaded
  worker process per core); with ``dask_address=tcp://host:8786`` the client
  joins an existing cluster (started by hand, by dask-jobqueue on Slurm/PBS, or
  by a Kubernetes or cloud deployer; see ``docs/cluster.md``).
* Before anything is written the client checks that it can reach the cluster
  and that every worker runs the same versions of this package, its code and
  its scientific stack.
* Runs stream: at most a few tasks per worker thread are in flight, each
  result is written by the client (atomically) as it arrives and then
  released, so memory stays bounded on the client and on the workers whatever
  the size of the design. Workers need no shared filesystem.
* When a worker dies, Dask reruns its tasks elsewhere; each run's file is keyed
  by its id, so every run appears exactly once. When the whole cluster goes
  away, the experiment stops with a clear message and ``resume=`` finishes it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
from importlib import metadata
from itertools import islice
from pathlib import Path

from sim.errors import ConfigError

PACKAGES = ("clientelism-sim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib")
IN_FLIGHT_PER_THREAD = 4
CONNECT_TIMEOUT_S = 10


class ClusterLost(Exception):
    """The cluster stopped answering part way through an experiment."""


def environment() -> dict[str, str]:
    """What must match between client and workers: versions and a hash of this package's code."""
    out = {"python": platform.python_version()}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    out["sim code"] = digest.hexdigest()[:16]
    return out


def connect(address: str | None, workers: int | None):
    """A connected ``distributed.Client`` (and the LocalCluster it owns, if any), checked.

    Raises:
        ConfigError: the address cannot be reached, or a worker's environment differs.
    """
    import dask
    from distributed import Client, LocalCluster

    # The client reports cluster trouble in one message of its own (ClusterLost, ConfigError);
    # distributed's reconnection tracebacks would bury it.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    cluster = None
    if address is None:
        n = workers or os.cpu_count() or 1
        # Without the statistical profiler: it keeps a call tree per second of work (up to 1,000 of them),
        # which grew each worker by ~10 KB a run on long designs.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            # Workers' own logs silenced: a failing run is reported once, by the client, in one line.
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.CRITICAL)
        client = Client(cluster)
        where = f"a local cluster of {n} workers"
    else:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise ConfigError("dask_address", address, f"the address of a running Dask scheduler "
                              f"(tcp://host:port); connecting failed: {type(exc).__name__}") from None
        where = address
    try:
        check_environment(client, where)
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return client, cluster


def check_environment(client, where: str) -> None:
    info = client.scheduler_info()
    if not info.get("workers"):
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S * 3)
        except TimeoutError:   # e.g. Slurm worker jobs still queued, or never starting
            raise ConfigError("dask_address", where, f"a cluster with workers: none joined within "
                              f"{CONNECT_TIMEOUT_S * 3} s (are its worker jobs still queued? on Slurm: squeue)"
                              ) from None
    mine = environment()
    theirs = client.run(environment)
    for worker, env in sorted(theirs.items()):
        for key, value in mine.items():
            if env.get(key) != value:
                raise ConfigError("dask_address", where,
                                  f"workers with the client's environment: worker {worker} has {key} "
                                  f"{env.get(key)}, the client {value} (install the same version of this "
                                  "package and its dependencies on every worker)")


def execute(client, jobs, write, bar) -> None:
    """Run ``jobs`` (an iterable of job tuples) on the cluster, a bounded number in flight;
    ``write(result)`` stores each as it comes."""
    from distributed import as_completed

    from sim.experiments.runner import compute_one

    threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
    limit = max(2, IN_FLIGHT_PER_THREAD * threads)
    pending = iter(jobs)
    done_ids: set[int] = set()

    def submit(job):
        run_id = int(job[1]["run_id"])
        # pure=False: a resubmitted run is a new task; retries: a task on a dying worker is rerun elsewhere.
        return client.submit(compute_one, job, key=f"run-{run_id}-{os.getpid()}", pure=False, retries=2)

    def submit_and_remember(job):
        future = submit(job)
        inputs[future.key] = job[1]
        return future

    inputs: dict[str, dict] = {}
    futures = as_completed([submit_and_remember(job) for job in islice(pending, limit)])
    try:
        for future in futures:
            job_inputs = inputs.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:
                if _lost(client, exc):
                    raise ClusterLost(_one_line(exc)) from None
                from sim.experiments.runner import RunFailed

                failed = RunFailed(int(job_inputs["run_id"]), job_inputs, exc)
                _finish_in_flight(futures, write, done_ids, bar)
                raise failed from None
            future.release()
            run_id = int(result[0]["run_id"].iloc[0])
            if run_id not in done_ids:
                write(result)
                done_ids.add(run_id)
                bar.advance()
            nxt = next(pending, None)
            if nxt is not None:
                futures.add(submit_and_remember(nxt))
    except (OSError, TimeoutError) as exc:
        raise ClusterLost(_one_line(exc)) from None


def _finish_in_flight(futures, write, done_ids: set[int], bar) -> None:
    """After a failed run: submit nothing more, but keep every run already in flight that succeeds."""
    for future in futures:
        try:
            result = future.result()
        except Exception:
            continue
        run_id = int(result[0]["run_id"].iloc[0])
        if run_id not in done_ids:
            write(result)
            done_ids.add(run_id)
            bar.advance()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _lost(client, exc: BaseException) -> bool:
    """Whether an error means the cluster went away (rather than a bug in a run)."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError

    if isinstance(exc, (CancelledError, CommClosedError, OSError, TimeoutError)):
        return True
    return client.status in ("closed", "closing", "connecting")
