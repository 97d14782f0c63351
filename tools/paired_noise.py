"""How precise a paired policy effect is: its mean, standard deviation and standard error over seeds, and how many
replicates a comparison needs for a given standard error; for pemekaran in the regency, also its effect in
Brebes Selatan and the largest effect in a kecamatan and a village it does not reach (zero when the random numbers
are common village by village).

    .venv/bin/python tools/paired_noise.py                                       # Bangbayang, three policies
    .venv/bin/python tools/paired_noise.py --scenario brebes --n-households 5940 --policies pemekaran
    .venv/bin/python tools/paired_noise.py --seeds 20 80 --jobs 2 --outcome patron_lockin_share

Each seed runs the baseline and every policy for ten years (``--steps``; the model's defaults otherwise); the
effect of a policy in a seed is its outcome minus the baseline's. Replicates for the standard error ``--se`` (in
points): (standard deviation / se)², rounded up.
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _one(args: tuple) -> tuple:
    scenario, policy, seed, n_households, outcome, steps = args
    from sim.simulation import run_scenario

    overrides = {} if n_households is None else {"n_households": n_households}
    r = run_scenario(scenario, policy, seed=seed, steps=steps, **overrides)
    if len(r.kecamatan) <= 1:
        return r.outcomes[outcome], {}, {}, {}
    kec = r.kecamatan.set_index("kecamatan")
    return (r.outcomes[outcome], kec[outcome].to_dict(), kec["completed"].to_dict(),
            dict(zip(zip(r.villages["kecamatan"], r.villages["village"]), r.villages[outcome])))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="bangbayang")
    ap.add_argument("--policies", default="digital_training,enforcement,pemekaran",
                    help="levers joined by commas (default: %(default)s)")
    ap.add_argument("--outcome", default="paid_dependence_share")
    ap.add_argument("--seeds", type=int, nargs=2, default=(0, 20), metavar=("FIRST", "END"),
                    help="seeds FIRST to END - 1 (default: 0 20)")
    ap.add_argument("--n-households", type=int, default=None)
    ap.add_argument("--steps", type=int, default=None, help="weeks after the spin-up (default: ten years)")
    ap.add_argument("--se", type=float, default=0.5, help="standard error wanted, points (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args(argv)

    policies = [p for p in a.policies.split(",") if p]
    seeds = range(*a.seeds)
    jobs = [(a.scenario, pol, s, a.n_households, a.outcome, a.steps) for pol in ["none", *policies] for s in seeds]
    with ProcessPoolExecutor(a.jobs) as ex:
        results = list(ex.map(_one, jobs))
    by = {pol: results[i * len(seeds):(i + 1) * len(seeds)] for i, pol in enumerate(["none", *policies])}
    print(f"{a.scenario}, {a.outcome}, seeds {a.seeds[0]}-{a.seeds[1] - 1} ({len(seeds)}), effect in points")
    print(f"{'policy':<18} {'mean':>7} {'sd':>6} {'se':>6} {'replicates for se ' + str(a.se):>22}")
    for pol in policies:
        d = 100 * (np.array([x[0] for x in by[pol]]) - np.array([x[0] for x in by["none"]]))
        sd = d.std(ddof=1)
        print(f"{pol:<18} {d.mean():>7.2f} {sd:>6.2f} {sd / math.sqrt(d.size):>6.2f} {math.ceil((sd / a.se) ** 2):>22}")
        if by["none"][0][1] and pol == "pemekaran":
            _regency(by[pol], by["none"])


def _regency(arm: list, none: list) -> None:
    """Pemekaran in the regency: Brebes Selatan's effect (its kecamatan weighted by completed needs) and the
    largest effect in a northern kecamatan and village, which it cannot reach."""
    from sim.core.geography import SOUTH

    def south(result: tuple) -> float:
        shares, completed = result[1], result[2]
        return sum(shares[k] * completed[k] for k in SOUTH) / sum(completed[k] for k in SOUTH)

    north = [k for k in none[0][1] if k not in SOUTH]
    kec = max(abs(100 * (x[1][k] - y[1][k])) for x, y in zip(arm, none) for k in north)
    villages = [v for v in none[0][3] if v[0] not in SOUTH]
    vil = max(abs(100 * (x[3][v] - y[3][v])) for x, y in zip(arm, none) for v in villages
              if x[3][v] == x[3][v] and y[3][v] == y[3][v])
    d = 100 * np.array([south(x) - south(y) for x, y in zip(arm, none)])
    print(f"{'':<18} Brebes Selatan: mean {d.mean():.2f}, sd {d.std(ddof=1):.2f}; largest effect in a northern"
          f" kecamatan {kec:.2f}, in a northern village {vil:.2f}")


if __name__ == "__main__":
    main()
