"""Speed and memory of the simulator core (a benchmark, not a test).

Prints, on this machine and one core:

* CPU time of one 10-year Bangbayang run (2,200 households, 520 weekly steps);
* household-steps per second at 2,200, 100,000 and 1,000,000 households, and
  the ratio to the 20-million target at 100,000;
* peak memory per household (resident set growth of a fresh process that
  builds and runs the model, over the number of households).

Larger villages keep Bangbayang's per-household rates: the officials' weekly
capacity is scaled with the number of households (otherwise a handful of
officials would face a million clients).

Run: ``make bench`` or ``python benchmarks/bench_core.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

TARGET_AT_100K = 20e6


def measure(n: int, steps: int, warmup: int = 3) -> dict:
    """Run in this process: build, warm up, then time ``steps`` steps."""
    import resource

    from sim.model import ClientelismModel

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    capacity = max(12, round(12 * n / 2200))
    t0 = time.process_time()
    model = ClientelismModel(rng=1, n_households=n, official_capacity_per_week=capacity)
    build = time.process_time() - t0
    for _ in range(warmup):
        model.step()
    t0 = time.process_time()
    for _ in range(steps):
        model.step()
    cpu = time.process_time() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux
    return {"n": n, "steps": steps, "build_s": build, "cpu_s": cpu, "rate": n * steps / cpu,
            "bytes_per_household": (rss1 - rss0) * 1024 / n}


def in_subprocess(n: int, steps: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    code = f"import json, bench_core; print(json.dumps(bench_core.measure({n}, {steps})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=os.path.dirname(os.path.abspath(__file__)), env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ten_year_cpu(repeats: int) -> list[float]:
    from sim.run import run_scenario

    times = []
    for r in range(repeats):
        t0 = time.process_time()
        run_scenario("bangbayang", "none", seed=r)
        times.append(time.process_time() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps (a smoke run)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    times = ten_year_cpu(1 if args.quick else 5)
    print(f"10-year Bangbayang run (2,200 households, 520 steps): median CPU {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs; target < 1 s)")
    sizes = [(2_200, 520), (100_000, 52 if args.quick else 156), (1_000_000, 10 if args.quick else 26)]
    print(f"{'households':>12} {'steps':>6} {'build s':>8} {'CPU s':>8} {'M household-steps/s':>20} "
          f"{'bytes/household':>16}")
    results = {}
    for n, steps in sizes:
        r = in_subprocess(n, steps)
        results[n] = r
        # Below ~1 MiB of growth the resident set size cannot resolve it.
        per = f"{r['bytes_per_household']:.0f}" if r["bytes_per_household"] * n > 2**20 else "< RSS resolution"
        print(f"{n:>12,} {steps:>6} {r['build_s']:>8.2f} {r['cpu_s']:>8.2f} {r['rate'] / 1e6:>20.1f} {per:>16}")
    ratio = results[100_000]["rate"] / TARGET_AT_100K
    print(f"at 100,000 households: {results[100_000]['rate'] / 1e6:.1f} M/s = {ratio:.2f} x the 20 M/s target; "
          f"{results[100_000]['rate'] / results[2_200]['rate']:.1f} x the rate at 2,200")


if __name__ == "__main__":
    main()
