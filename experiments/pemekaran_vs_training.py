"""Pemekaran against digital training: which reduces dependence and access gaps more, and does the
combination add up?

Runs ``configs/experiment/pemekaran_vs_training.yaml`` (or reads a finished
folder with ``--from``), then from the saved tables: the paired effect of each
policy against ``none``, and the interaction — the combination's effect minus
the sum of the two single effects, paired by replicate, with a 95% CI (zero
means the effects add up). Writes ``additivity.csv`` and ``additivity.html``
into the experiment folder.

    .venv/bin/python experiments/pemekaran_vs_training.py
    .venv/bin/python experiments/pemekaran_vs_training.py --replicates 10 --steps 260
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

sys.path.insert(0, str(Path(__file__).parent))

from common import arguments, run_or_load  # noqa: E402

from sim.core.outcomes import outcome  # noqa: E402
from sim.experiments.analysis import _ci  # noqa: E402
from sim.experiments.report import COLOURS  # noqa: E402
from sim.shell.files import write_atomic  # noqa: E402

OUTCOMES = ("paid_dependence_share", "patron_lockin_share", "access_gap_literacy", "access_gap_distance",
            "access_gap_income", "unmet_share")
ARMS = ("none", "pemekaran", "digital_training", "pemekaran+digital_training")


def additivity(runs: pd.DataFrame) -> pd.DataFrame:
    by = {p: g.set_index("replicate") for p, g in runs.groupby("policy")}
    base, pem, tr, both = by["none"], by["pemekaran"], by["digital_training"], by["pemekaran+digital_training"]
    rows = []
    for name in OUTCOMES:
        effects = {"pemekaran": pem[name] - base[name], "digital_training": tr[name] - base[name],
                   "combined": both[name] - base[name]}
        effects["interaction"] = effects["combined"] - effects["pemekaran"] - effects["digital_training"]
        for label, d in effects.items():
            mean, lo, hi = _ci(d.to_numpy(dtype=float))
            rows.append({"outcome": name, "effect_of": label, "mean": mean, "ci95_low": lo, "ci95_high": hi})
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame) -> go.Figure:
    """Effects in each outcome's shown unit (pp for shares, index points for gaps), one panel per unit."""
    from plotly.subplots import make_subplots

    names = list(dict.fromkeys(table["outcome"]))
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[outcome(n).header for n in names])
    for col, name in enumerate(names, start=1):
        scale = outcome(name).scale
        for i, label in enumerate(("pemekaran", "digital_training", "combined", "interaction")):
            t = table[(table["effect_of"] == label) & (table["outcome"] == name)]
            fig.add_trace(go.Bar(x=[label], y=t["mean"] * scale, name=label, legendgroup=label,
                                 marker_color=COLOURS[i + 1], showlegend=col == 1,
                                 error_y={"type": "data", "symmetric": False,
                                          "array": (t["ci95_high"] - t["mean"]) * scale,
                                          "arrayminus": (t["mean"] - t["ci95_low"]) * scale}), row=1, col=col)
        fig.update_xaxes(showticklabels=False, row=1, col=col)
    fig.update_layout(barmode="group", height=450, title="Effects against no policy, and the interaction of the "
                                                         "combination (combined − pemekaran − training; 0 = "
                                                         "additive), 95% CI")
    return fig


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    folder, _, runs = run_or_load("pemekaran_vs_training", args, needs=ARMS)
    table = additivity(runs)
    write_atomic(folder / "additivity.csv", lambda p: table.to_csv(p, index=False))
    write_atomic(folder / "additivity.html", lambda p: figure(table).write_html(p, include_plotlyjs=True))
    cells = zip(table["outcome"], table["mean"], table["ci95_low"], table["ci95_high"])
    shown = pd.DataFrame({"outcome": table["outcome"], "effect of": table["effect_of"],
                          "mean ± 95% CI": [outcome(o).format_effect(m, (h - lo) / 2) for o, m, lo, h in cells]})
    print(shown.to_string(index=False))
    print(f"tables and figure in {folder}")


if __name__ == "__main__":
    main()
