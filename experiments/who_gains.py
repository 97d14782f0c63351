"""Who gains from each policy? Effects by literacy, distance and income quartile.

Runs ``configs/experiment/policy_comparison.yaml`` (or reads a finished comparison folder with ``--from``),
then from the saved tables: each policy's paired effect against the baseline on each quartile measure (paid and
brokered shares, access shortfall, completion rate, delay, cost burden; quartile 1 = least literate, nearest,
poorest), and the change in the gap
between the disadvantaged and the advantaged quartile (least minus most literate, farthest minus nearest,
poorest minus richest), paired by replicate with a 95% CI: negative means the policy narrows the gap.
Writes ``who_gains.csv``, ``gap_change.csv`` and ``who_gains.html`` into the experiment folder.

    .venv/bin/python experiments/who_gains.py
    .venv/bin/python experiments/who_gains.py --from results/policy_comparison/<time>
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from common import arguments, run_or_load  # noqa: E402

from sim.core.outcomes import GROUP_DIMENSIONS, GROUP_MEASURES, group_name  # noqa: E402
from sim.experiments.analysis import _ci, quartile_effects  # noqa: E402
from sim.experiments.report import quartile_figure  # noqa: E402
from sim.shell.files import write_atomic  # noqa: E402

# The disadvantaged quartile first: the least literate, the farthest, the poorest.
DISADVANTAGED = {"literacy": (1, 4), "distance": (4, 1), "income": (1, 4)}


def gap_change(runs: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Paired effect of each policy on the disadvantaged-minus-advantaged gap of each measure and dimension."""
    base = runs[runs["policy"] == baseline].set_index("replicate")
    rows = []
    for policy in [p for p in runs["policy"].unique() if p != baseline]:
        other = runs[runs["policy"] == policy].set_index("replicate").reindex(base.index)
        for measure in GROUP_MEASURES:
            for dim in GROUP_DIMENSIONS:
                low, high = DISADVANTAGED[dim]
                gap_base = base[group_name(measure, dim, low)] - base[group_name(measure, dim, high)]
                gap_policy = other[group_name(measure, dim, low)] - other[group_name(measure, dim, high)]
                mean, lo, hi = _ci((gap_policy - gap_base).to_numpy(dtype=float))
                rows.append({"policy": policy, "measure": measure, "dimension": dim,
                             "baseline_gap": float(gap_base.mean()), "policy_gap": float(gap_policy.mean()),
                             "change": mean, "ci95_low": lo, "ci95_high": hi, "replicates": int(len(base))})
    return pd.DataFrame(rows)


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    folder, spec, runs = run_or_load("policy_comparison", args)
    baseline = spec.baseline.name
    table = quartile_effects(runs, baseline)
    gaps = gap_change(runs, baseline)
    write_atomic(folder / "who_gains.csv", lambda p: table.to_csv(p, index=False))
    write_atomic(folder / "gap_change.csv", lambda p: gaps.to_csv(p, index=False))
    html = "".join(quartile_figure(table, spec.policy_names, m).to_html(full_html=False, include_plotlyjs=(i == 0))
                   for i, m in enumerate(GROUP_MEASURES))
    write_atomic(folder / "who_gains.html", lambda p: Path(p).write_text(f"<html><body>{html}</body></html>"))
    shortfall = GROUP_MEASURES["shortfall"]
    pivot = table[table["measure"] == "shortfall"].pivot_table(index=["policy", "dimension"], columns="quartile",
                                                               values="effect", sort=False)
    print("Effect on the mean access shortfall by quartile (index points; quartile 1 = least literate / nearest / "
          "poorest):")
    print(pivot.map(lambda v: shortfall.format_effect(v, unit=False).removesuffix(" (no CI)")).to_string())
    print()
    print("Change in the gap between the disadvantaged and the advantaged quartile (negative: the gap narrows), "
          "mean ± 95% CI:")
    shown = gaps.assign(change=[GROUP_MEASURES[m].format_effect(c, (h - lo) / 2 if np.isfinite(h) else None)
                                for m, c, lo, h in zip(gaps["measure"], gaps["change"], gaps["ci95_low"],
                                                       gaps["ci95_high"])])
    print(shown[["policy", "measure", "dimension", "change"]].to_string(index=False))
    print(f"tables and figure in {folder}")


if __name__ == "__main__":
    main()
