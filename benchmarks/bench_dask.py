"""Dask executor: throughput with one and two local workers, per-run overhead, and memory on a large design.

Prints, on this machine (a benchmark, not a test):

1. runs per minute of a 20-run ``pemekaran_vs_training`` slice (10-year runs) on a
   LocalCluster of one worker and of two workers;
2. the per-run overhead of the Dask executor: the same tiny runs (1 week,
   100 households) through ``executor=dask`` and ``executor=serial``,
   (dask wall − serial wall) / runs, with one worker;
3. ``--large N`` (default 20,000): a design of N tiny runs through two workers,
   with the client's and the workers' peak resident memory, to show that
   streaming keeps both bounded.

Run: ``python benchmarks/bench_dask.py [--large 20000]`` (``make bench`` runs it with --large 4000).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time

from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import run_experiment


def timed(args: list[str], executor: str, workers: int, tmp: str, seed: int = 0) -> tuple[float, int]:
    _, spec, _ = prepare(args)
    start = time.perf_counter()
    folder = run_experiment(spec, seed, RunSettings(executor, workers, results_dir=tmp, progress=False))
    wall = time.perf_counter() - start
    return wall, sum(1 for _ in (folder / "runs").glob("run_*.parquet"))


def worker_peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=20_000, help="runs in the memory check (0 to skip)")
    parser.add_argument("--only-large", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only_large:
        large_design(args.only_large)
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        study = ["experiment=pemekaran_vs_training", "replicates=5"]
        for workers in (1, 2):
            wall, runs = timed(study, "dask", workers, tmp)
            print(f"dask, {workers} local worker(s): {runs} ten-year runs in {wall:.1f} s = "
                  f"{runs / wall * 60:.1f} runs/minute (includes starting the cluster)")
        tiny = ["experiment=pemekaran_vs_training", "replicates=100", "steps=1", "n_households=100",
            "pemekaran_start_step=1", "digital_training_start_step=1"]
        serial, n = timed(tiny, "serial", 1, tmp)
        dask, _ = timed(tiny, "dask", 1, tmp)
        print(f"per-run overhead of the dask executor (one worker, {n} one-week runs): "
              f"{(dask - serial) / n * 1000:.1f} ms/run (serial {serial / n * 1000:.1f} ms/run, "
              f"dask {dask / n * 1000:.1f} ms/run, cluster start included)")
    if args.large:
        # In a fresh process, so that the client's peak memory is that of the large design alone.
        import subprocess
        import sys

        out = subprocess.run([sys.executable, __file__, "--only-large", str(args.large)], capture_output=True,
                             text=True, check=True)
        print(out.stdout.strip().splitlines()[-1])


def large_design(n_runs: int) -> None:
    import dask
    from distributed import Client, LocalCluster

    # As the dask executor starts its local clusters (and docs/cluster.md advises for others): without the
    # workers' statistical profiler, whose history grows a worker by ~10 KB a run.
    dask.config.set({"distributed.worker.profile.enabled": False})

    replicates = max(1, n_runs // 4)
    large = ["experiment=pemekaran_vs_training", f"replicates={replicates}", "steps=1", "n_households=100",
             "pemekaran_start_step=1", "digital_training_start_step=1"]
    before = worker_peak_rss_mib()
    with tempfile.TemporaryDirectory() as tmp, \
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        _, spec, _ = prepare(large)
        start = time.perf_counter()
        run_experiment(spec, 0, RunSettings("dask", 2, cluster.scheduler_address, tmp, progress=False))
        wall = time.perf_counter() - start
        workers_mib = client.run(worker_peak_rss_mib)
    print(f"large design: {4 * replicates:,} runs through 2 workers in {wall:.0f} s; peak memory: client "
          f"{worker_peak_rss_mib():.0f} MiB ({before:.0f} MiB before the design), workers "
          + ", ".join(f"{v:.0f} MiB" for v in workers_mib.values()))

if __name__ == "__main__":
    main()
