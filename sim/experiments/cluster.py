"""Reaching a Dask cluster for ``executor=dask`` (the executor itself is ``executors.DaskExecutor``).

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

import logging
import os
import signal

from sim.errors import ConfigError
from sim.experiments.provenance import environment

CONNECT_TIMEOUT_S = 10


class ClusterLost(Exception):
    """The cluster stopped answering part way through an experiment."""


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
        # Its processes start with Ctrl-C ignored (they inherit that): Ctrl-C stops the experiment in this
        # process, which then closes the cluster, instead of killing every worker with a traceback each.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            with dask.config.set({"distributed.worker.profile.enabled": False}):
                # Workers' own logs silenced: a failing run is reported once, by the client, in one line.
                # No dashboard; the scheduler's small HTTP server (health, metrics) on a free local port, not
                # on 8787 (taken by any other Dask cluster on the machine, with a warning).
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                       scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                       silence_logs=logging.CRITICAL)
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
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


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def check_environment(client, where: str) -> None:
    """Refuse a cluster whose workers run other code or packages than this process (ConfigError)."""
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


def one_line(exc: BaseException) -> str:
    """An error's message on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


def is_lost(client, exc: BaseException) -> bool:
    """Whether an error means the cluster went away (rather than a bug in a run)."""
    from concurrent.futures import CancelledError

    from distributed.comm.core import CommClosedError

    if isinstance(exc, (CancelledError, CommClosedError, OSError, TimeoutError)):
        return True
    return client.status in ("closed", "closing", "connecting")
