"""Speed and memory of the simulator core (a benchmark, not a test).

Prints, on this machine, one core per measurement (each in a fresh process
with numpy's thread pools set to one thread):

1. CPU time of one 10-year Bangbayang run (2,200 households, 520 weekly steps);
2. agent-steps per second of the array model at 2,200, 10,000, 100,000,
   1,000,000 and 2,000,000 agents (households), and its peak memory per agent
   (growth of the process's peak resident set over the number of agents);
3. the same for the per-agent Mesa reference (``reference_agents.py``: one
   Agent per household, ``shuffle_do``) at 2,200 and 10,000 agents (its memory
   per agent: the growth of the current resident set while its agents are
   built and stepped, beyond the array model they are copied from); the array
   model doing exactly the reference's work (draw needs, choose a channel for
   every pending need, keep the deferred ones); and the speed ratios array /
   reference, like for like and with the array model doing its whole week;
4. the wall time of one 10-year run of the whole Brebes regency (297 villages,
   563,380 households), building and tables included; and its CPU time from a
   shared spin-up (the regency spun up once, then two arms started from it, as
   an experiment's runs that differ only in their levers are).

Populations above 2,200 are one village whose officials' weekly capacity is
scaled with its households, so that every size keeps Bangbayang's
per-household rates (otherwise nine officials would face a million clients).
The reference only draws needs and decides; the array model's full step does
the whole week (resolution, ties, learning, officials, outcomes), so the second
ratio flatters the reference and the first compares like with like.

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

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET_RATE_AT_1M = 30e6
TARGET_BYTES_AT_1M = 200
TARGET_RATIO_AT_10K = 100
TARGET_BREBES_S = 60
REPEATS = 3   # fresh processes per size: this machine's speed varies by a few tens of percent between runs


def _rss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux


def _build_and_step(build, n: int, steps: int, warmup: int, rss) -> dict:
    """Time ``build()``, then ``steps`` steps after ``warmup`` ones; memory per agent from ``rss()`` growth."""
    rss0 = rss()
    t0 = time.process_time()
    model = build()
    built = time.process_time() - t0
    for _ in range(warmup):
        model.step()
    t0 = time.process_time()
    for _ in range(steps):
        model.step()
    cpu = time.process_time() - t0
    return {"n": n, "steps": steps, "build_s": built, "cpu_s": cpu, "rate": n * steps / cpu,
            "bytes_per_agent": (rss() - rss0) * 1024 / n}


def measure_array(n: int, steps: int, warmup: int = 3) -> dict:
    """In this process: build a village of ``n`` households, warm up, time ``steps`` steps (peak memory)."""
    from sim.model import ClientelismModel

    capacity = max(12, round(12 * n / 2200))
    return _build_and_step(lambda: ClientelismModel(rng=1, n_households=n, official_capacity_per_week=capacity),
                           n, steps, warmup, _rss_kib)


def measure_array_decision(n: int, steps: int, warmup: int = 20) -> dict:
    """In this process: the array model doing only what the reference's step does.

    After ``warmup`` full weeks (so that ties, habits and queues are those of a
    running village), each timed step draws the week's needs and chooses a
    channel for every pending need; needs handled by any channel leave the
    queue, deferred ones wait until they are abandoned.
    """
    import numpy as np

    from sim.core.services import Channel
    from sim.model import ClientelismModel

    model = ClientelismModel(rng=1, n_households=n, official_capacity_per_week=max(12, round(12 * n / 2200)))
    for _ in range(warmup):
        model.step()
    limit = model.p.abandon_after_weeks
    t0 = time.process_time()
    for _ in range(steps):
        model.week += 1                  # the week's draws (``sim.core.draws``) are those of a new week
        model.update_policies()
        model.arrive_needs()
        choice = model.choose_channels()
        pending = model.world.needs
        deferred = np.zeros(len(pending), dtype=bool)
        deferred[choice.needs[choice.channel == Channel.DEFER]] = True
        pending.keep(deferred & (pending.weeks_waited(model.week) < limit))
    cpu = time.process_time() - t0
    return {"n": n, "steps": steps, "cpu_s": cpu, "rate": n * steps / cpu}


def measure_reference(n: int, steps: int, warmup: int = 2) -> dict:
    """In this process: the per-agent Mesa reference with ``n`` agents."""
    from reference_agents import reference_population

    from sim.model import ClientelismModel

    # The array model the agents are copied from is built (and measured) apart, so that the
    # memory per agent is that of the agents; the process's peak is that of its imports, so the
    # growth of its current resident set is measured instead.
    ClientelismModel(rng=1, n_households=n)
    return _build_and_step(lambda: reference_population(n, seed=1), n, steps, warmup, _rss_now_kib)


def _rss_now_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def brebes_run() -> dict:
    """In this process: one 10-year run of the whole regency, as ``run_scenario`` does it."""
    from sim.simulation import run_scenario

    w0, c0 = time.perf_counter(), time.process_time()
    result = run_scenario("brebes", "none", seed=1)
    return {"wall_s": time.perf_counter() - w0, "cpu_s": time.process_time() - c0,
            "households": int(result.villages["households"].sum()), "villages": len(result.villages)}


def brebes_shared(arms: int = 2) -> dict:
    """In this process: the regency spun up once, then ``arms`` 10-year runs from it (the arms of one replicate of
    a comparison: none, then pemekaran), as an experiment's group of runs does it."""
    from sim.model import ClientelismModel
    from sim.params.scenarios import resolve_params
    from sim.simulation import run_scenario
    from sim.snapshot import spin_up_params

    c0 = time.process_time()
    village = ClientelismModel(rng=1, resolved=spin_up_params(resolve_params("brebes", "none"))).snapshot()
    spin_up = time.process_time() - c0
    per_arm = []
    for policy in (["none", "pemekaran"] * arms)[:arms]:
        c0 = time.process_time()
        run_scenario(seed=1, resolved=resolve_params("brebes", policy), spin_up=village)
        per_arm.append(time.process_time() - c0)
    return {"spin_up_cpu_s": spin_up, "arm_cpu_s": per_arm, "snapshot_bytes": len(village)}


def in_subprocess(call: str) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    code = f"import json, bench_core; print(json.dumps(bench_core.{call}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=HERE, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ten_year_cpu(repeats: int) -> list[float]:
    from sim.simulation import run_scenario

    times = []
    for r in range(repeats):
        t0 = time.process_time()
        run_scenario("bangbayang", "none", seed=r)
        times.append(time.process_time() - t0)
    return times


def _per(r: dict) -> str:
    # Below ~1 MiB of growth the resident set size cannot resolve it.
    return f"{r['bytes_per_agent']:.0f}" if r["bytes_per_agent"] * r["n"] > 2**20 else "< RSS resolution"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps (a smoke run)")
    args = parser.parse_args()
    q = args.quick
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    times = ten_year_cpu(1 if q else 5)
    print(f"10-year Bangbayang run (2,200 households, 520 steps): median CPU {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")

    header = f"{'agents':>12} {'steps':>6} {'build s':>8} {'CPU s':>8} {'M agent-steps/s':>16} {'bytes/agent':>16}"
    repeats = 1 if q else REPEATS
    print(f"\narray model (agents are households; one process, one thread; median of {repeats} fresh processes, "
          "range in brackets):")
    print(header)
    sizes = [(2_200, 520), (10_000, 260), (100_000, 104), (1_000_000, 40), (2_000_000, 20)]
    if q:
        sizes = [(n, max(4, s // 8)) for n, s in sizes]
    array = {}
    for n, steps in sizes:
        runs = sorted((in_subprocess(f"measure_array({n}, {steps})") for _ in range(repeats)),
                      key=lambda r: r["rate"])
        r = array[n] = runs[len(runs) // 2]
        spread = f" [{runs[0]['rate'] / 1e6:.1f}-{runs[-1]['rate'] / 1e6:.1f}]" if len(runs) > 1 else ""
        print(f"{n:>12,} {steps:>6} {r['build_s']:>8.2f} {r['cpu_s']:>8.2f} {r['rate'] / 1e6:>16.2f} {_per(r):>16}"
              f"{spread}")

    print("\nper-agent Mesa reference (one Agent per household, shuffle_do; draws needs and decides only):")
    print(header)
    reference = {}
    for n, steps in [(2_200, 4 if q else 20), (10_000, 2 if q else 10)]:
        r = reference[n] = in_subprocess(f"measure_reference({n}, {steps})")
        print(f"{n:>12,} {steps:>6} {r['build_s']:>8.2f} {r['cpu_s']:>8.2f} {r['rate'] / 1e6:>16.3f} {_per(r):>16}")

    print("\narray model doing only the reference's work (draw needs, choose channels):")
    print(f"{'agents':>12} {'steps':>6} {'CPU s':>8} {'M agent-steps/s':>16}")
    decision = {}
    for n, steps in [(2_200, 40 if q else 400), (10_000, 20 if q else 200)]:
        r = decision[n] = in_subprocess(f"measure_array_decision({n}, {steps})")
        print(f"{n:>12,} {steps:>6} {r['cpu_s']:>8.2f} {r['rate'] / 1e6:>16.2f}")

    print("\nsummary against the targets:")
    at1m = array[1_000_000]
    print(f"  at 1,000,000 agents: {at1m['rate'] / 1e6:.1f} M agent-steps/s "
          f"({at1m['rate'] / TARGET_RATE_AT_1M:.2f} x the {TARGET_RATE_AT_1M / 1e6:.0f} M target); "
          f"{at1m['bytes_per_agent']:.0f} bytes/agent (target at most {TARGET_BYTES_AT_1M})")
    for n in reference:
        same = decision[n]["rate"] / reference[n]["rate"]
        full = array[n]["rate"] / reference[n]["rate"]
        target = f" (target at least {TARGET_RATIO_AT_10K})" if n == 10_000 else ""
        print(f"  array / reference at {n:,} agents: {same:.0f} x doing the same work{target}; "
              f"{full:.0f} x with the array model doing its whole week")
    b = in_subprocess("brebes_run()")
    print(f"  one 10-year brebes run ({b['villages']} villages, {b['households']:,} households, 520 steps): "
          f"{b['wall_s']:.1f} s wall, {b['cpu_s']:.1f} s CPU (target at most {TARGET_BREBES_S} s)")
    s = in_subprocess("brebes_shared(2)")
    arm = statistics.mean(s["arm_cpu_s"])
    print(f"  the same from a shared spin-up (the arms of a replicate): the spin-up {s['spin_up_cpu_s']:.1f} s CPU "
          f"once (a snapshot of {s['snapshot_bytes'] / 1e6:.0f} MB), then {arm:.1f} s CPU per arm; "
          f"{b['cpu_s'] / arm:.2f} x the runs per CPU second of runs that spin up alone, for many arms "
          f"({2 * b['cpu_s'] / (s['spin_up_cpu_s'] + 2 * arm):.2f} x for two)")


if __name__ == "__main__":
    main()
