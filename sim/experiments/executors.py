"""Where an experiment's runs execute: one protocol, three executors (as EMA Workbench's evaluators).

* ``SerialExecutor`` — one run after another in this process;
* ``ProcessExecutor`` — a pool of spawned worker processes on this machine, each writing its runs' files;
* ``DaskExecutor`` — a Dask cluster (local, or reached at an address: Slurm, Kubernetes, cloud); the workers
  compute, this process writes each run's files as results arrive (workers need no shared filesystem).

Every executor runs the same ``Job`` s with the same ``sim.experiments.jobs.compute`` and gives the same files,
so tables are identical whichever runs them. Jobs come in groups (``sim.experiments.jobs.Group``): the runs of
a group start from one spun-up village, spun up once — in this process (serial), as a snapshot file the
group's runs read (processes; removed once they have run), or as a Dask task the group's runs depend on (Dask
moves it to their workers and recomputes it if a worker holding it is lost).

Each reports a failed run as ``RunFailed`` after letting the runs already in flight finish (their files count),
and Ctrl-C as ``KeyboardInterrupt`` the same way (the workers ignore Ctrl-C themselves and finish their run).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Protocol

from sim.experiments.jobs import Group, Job, RunFailed, compute, compute_and_store, spin_up, spin_up_and_store, store


@dataclass(frozen=True)
class RunSettings:
    """How and where an experiment runs, and what its manifest records of how it was started (not what it runs:
    that is its specification)."""

    executor: str = "processes"         # serial, processes or dask
    workers: int | None = None          # processes (or local Dask workers); default all cores
    dask_address: str | None = None     # an existing Dask scheduler; None starts a local cluster
    results_dir: str | Path = "results"
    progress: bool = True               # a bar on a terminal, lines in a log
    command: tuple[str, ...] | None = None   # the command line the manifest records (default: this process's)
    allow_code_change: bool = False     # resume with code or packages other than those the experiment started with


class Executor(Protocol):
    """Runs groups of jobs, storing each finished run's files; ``done()`` is called after each run."""

    def run(self, groups: Iterable[Group], done: Callable[[], None]) -> None:
        """Run every job of every group and store its files; raise RunFailed, KeyboardInterrupt or ClusterLost."""

    def close(self) -> None:
        """Release what the executor holds (a cluster it started)."""


class SerialExecutor:
    """One run after another, in this process."""

    def run(self, groups: Iterable[Group], done: Callable[[], None]) -> None:
        """Each group in turn: its village spun up (held in memory), then each of its jobs."""
        for group in groups:
            try:
                village = None if group.spin_up is None else spin_up(group.spin_up)
            except Exception as exc:
                raise RunFailed(group.jobs[0].run_id, group.jobs[0].row, exc) from exc
            for job in group.jobs:
                try:
                    compute_and_store(job, village)
                except Exception as exc:
                    raise RunFailed(job.run_id, job.row, exc) from exc
                done()

    def close(self) -> None:
        """Nothing to release."""


def _ignore_sigint() -> None:
    """In a worker process: Ctrl-C is for the experiment's own process, which stops the experiment (letting the
    runs in progress finish); the workers would otherwise each die with a traceback of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessExecutor:
    """A pool of ``workers`` spawned processes on this machine; each worker writes its runs' files."""

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, groups: Iterable[Group], done: Callable[[], None]) -> None:
        """Groups started as the pool has room (a group's spin-up first, then its jobs, which read its snapshot
        file); results waited for as they come; a group's snapshot removed once its jobs have run."""
        ctx = multiprocessing.get_context("spawn")
        waiting = iter(groups)
        in_flight: dict = {}        # future -> (group, job): job None for a group's spin-up
        left: dict[int, int] = {}   # id of a group with a snapshot -> its jobs not yet finished
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_ignore_sigint) as pool:

            def feed() -> None:   # keep every worker busy, with a few tasks queued
                while len(in_flight) < 2 * self.workers:
                    group = next(waiting, None)
                    if group is None:
                        return
                    if group.spin_up is None:
                        in_flight.update({pool.submit(compute_and_store, job): (group, job) for job in group.jobs})
                    else:
                        in_flight[pool.submit(spin_up_and_store, group.spin_up)] = (group, None)

            try:
                feed()
                while in_flight:
                    finished, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
                    for future in finished:
                        group, job = in_flight.pop(future)
                        first = job or group.jobs[0]
                        try:
                            future.result()
                        except Exception as exc:
                            raise RunFailed(first.run_id, first.row, exc) from exc
                        if job is None:      # the group's village is spun up: its jobs can run
                            left[id(group)] = len(group.jobs)
                            in_flight.update({pool.submit(compute_and_store, j): (group, j) for j in group.jobs})
                            continue
                        done()
                        if group.spin_up is not None:
                            left[id(group)] -= 1
                            if not left[id(group)]:
                                group.spin_up.path.unlink(missing_ok=True)
                    feed()
            except (RunFailed, KeyboardInterrupt):
                # Start nothing more; let the runs already running finish, so their files count.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            except BaseException:
                for future in in_flight:
                    future.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise

    def close(self) -> None:
        """Nothing to release."""


class DaskExecutor:
    """A Dask cluster: ``client`` (and the local cluster it owns, if any) from ``sim.experiments.cluster``.

    Runs stream: at most a few tasks per worker thread are in flight, each result is written here as it
    arrives and then released, so memory stays bounded on both sides whatever the size of the design.
    """

    IN_FLIGHT_PER_THREAD = 4

    def __init__(self, client, local_cluster=None):
        self.client = client
        self.local_cluster = local_cluster

    def run(self, groups: Iterable[Group], done: Callable[[], None]) -> None:
        """Jobs submitted a few at a time per worker thread, each after its group's spin-up task (which Dask
        keeps while a job needs it); each result stored here as it arrives."""
        import os

        from distributed import as_completed

        from sim.experiments.cluster import ClusterLost, is_lost, one_line

        client = self.client
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
        limit = max(2, self.IN_FLIGHT_PER_THREAD * threads)
        pid = os.getpid()

        def each_job():   # every job with its group's spin-up task (None: a job of its own)
            for group in groups:
                village = None
                if group.spin_up is not None:
                    village = client.submit(spin_up, group.spin_up, key=f"spin-up-{group.spin_up.key}-{pid}",
                                            pure=False, retries=2)
                for job in group.jobs:
                    yield job, village

        waiting = each_job()
        stored: set[int] = set()
        folder: dict[str, Path] = {}
        of: dict[str, Job] = {}

        def submit(job: Job, village):
            folder.setdefault("path", Path(job.folder))
            # pure=False: a resubmitted run is a new task; retries: a task on a dying worker is rerun elsewhere.
            args = (job,) if village is None else (job, village)
            future = client.submit(compute, *args, key=f"run-{job.run_id}-{pid}", pure=False, retries=2)
            of[future.key] = job
            return future

        def keep(output) -> None:
            if output.run_id not in stored:   # a rerun task may bring a run twice: store it once
                store(folder["path"], output)
                stored.add(output.run_id)
                done()

        futures = as_completed([submit(*item) for item in islice(waiting, limit)])
        try:
            for future in futures:
                job = of.pop(future.key)
                try:
                    output = future.result()
                except Exception as exc:
                    if is_lost(client, exc):
                        raise ClusterLost(one_line(exc)) from None
                    failed = RunFailed(job.run_id, job.row, exc)
                    for other in futures:   # start nothing more, keep every run in flight that succeeds
                        try:
                            keep(other.result())
                        except Exception:
                            pass
                    raise failed from None
                future.release()
                keep(output)
                following = next(waiting, None)
                if following is not None:
                    futures.add(submit(*following))
        except (OSError, TimeoutError) as exc:
            raise ClusterLost(one_line(exc)) from None

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started it."""
        self.client.close()
        if self.local_cluster is not None:
            self.local_cluster.close()


def make_executor(settings: RunSettings) -> Executor:
    """The executor the settings name (a Dask cluster is reached and checked here, before anything is written)."""
    import os

    workers = settings.workers or os.cpu_count() or 1
    if settings.executor == "serial":
        return SerialExecutor()
    if settings.executor == "dask":
        from sim.experiments.cluster import connect

        return DaskExecutor(*connect(settings.dask_address, settings.workers))
    return ProcessExecutor(workers)
