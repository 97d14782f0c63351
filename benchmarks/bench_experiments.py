"""Throughput of the main experiment, serial against processes (a benchmark, not a test).

Runs ``policy_comparison`` (7 policies, 10 years of Bangbayang each) with a
reduced number of replicates twice — ``executor=serial`` and
``executor=processes`` on every core — into a temporary folder, and prints
runs per minute and the speed-up, plus the wall time the full experiment
(30 replicates, 210 runs) would take at that rate. The report is not included.

Run: ``make bench`` or ``python benchmarks/bench_experiments.py [--replicates N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import run_experiment


def timed(executor: str, replicates: int, results: str) -> tuple[float, int]:
    _, spec, _ = prepare(["experiment=policy_comparison", f"replicates={replicates}"])
    start = time.perf_counter()
    folder = run_experiment(spec, 0, RunSettings(executor, os.cpu_count(), results_dir=results, progress=False))
    wall = time.perf_counter() - start
    runs = sum(1 for _ in (folder / "runs").glob("run_*.parquet"))
    return wall, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=6)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        rates = {}
        for executor in ("serial", "processes"):
            wall, runs = timed(executor, args.replicates, tmp)
            rates[executor] = runs / wall * 60
            print(f"policy_comparison, {runs} runs, executor={executor:9}: {wall:6.1f} s wall, "
                  f"{rates[executor]:6.1f} runs/minute; the full experiment (210 runs) ≈ "
                  f"{210 / rates[executor] * 60:.0f} s")
    print(f"processes / serial: {rates['processes'] / rates['serial']:.2f} x on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
