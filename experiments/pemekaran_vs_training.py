"""Pemekaran against digital training, alone and combined: paired effects over seeds.

Runs Bangbayang under ``none``, ``pemekaran``, ``digital_training`` and
``pemekaran+digital_training`` with the same seeds (common random numbers),
and prints each policy's mean effect on the final-year outcomes against
``none`` with a 95% confidence interval of the paired differences.

    .venv/bin/python experiments/pemekaran_vs_training.py --seeds 20
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from sim.run import run_scenario

POLICIES = ("none", "pemekaran", "digital_training", "pemekaran+digital_training")
OUTCOMES = ("brokered_share", "patron_lockin_share", "access_gap_literacy", "access_gap_distance",
            "access_gap_income", "unmet_share", "fees_per_household_rupiah")


def one(args: tuple[str, int]) -> dict:
    policy, seed = args
    r = run_scenario("bangbayang", policy, seed=seed)
    return {"policy": policy, "seed": seed, **r.outcomes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    jobs = [(p, s) for p in POLICIES for s in range(args.seeds)]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        runs = pd.DataFrame(pool.map(one, jobs))
    base = runs[runs.policy == "none"].set_index("seed")
    rows = []
    for policy in POLICIES[1:]:
        other = runs[runs.policy == policy].set_index("seed")
        for name in OUTCOMES:
            d = (other[name] - base[name]).dropna()
            half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
            rows.append({"policy": policy, "outcome": name, "baseline": base[name].mean(),
                         "effect": d.mean(), "ci95_low": d.mean() - half, "ci95_high": d.mean() + half})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.max_rows", 100, "display.float_format", "{:.4g}".format):
        print(table.to_string(index=False))


if __name__ == "__main__":
    main()
