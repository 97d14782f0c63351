"""Who gains from each policy? Effects by literacy, distance and income quartile.

Runs ``configs/experiment/policy_comparison.yaml`` (or reads a finished folder
with ``--from``), then from the saved tables: each policy's paired effect
against ``none`` on the brokered share and on the access shortfall of each
quartile, and the change in the gap between the bottom and top quartiles.
Writes ``who_gains.csv`` and ``who_gains.html`` into the experiment folder.

    .venv/bin/python experiments/who_gains.py
    .venv/bin/python experiments/who_gains.py --from results/policy_comparison/<time>
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from common import arguments, run_or_load  # noqa: E402

from sim.experiments.analysis import quartile_effects  # noqa: E402
from sim.experiments.runner import load_folder  # noqa: E402
from sim.output import write_atomic  # noqa: E402
from sim.report import quartile_figure  # noqa: E402


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    folder, runs = run_or_load("policy_comparison", args)
    _, spec, _ = load_folder(folder)
    table = quartile_effects(runs, spec.baseline)
    write_atomic(folder / "who_gains.csv", lambda p: table.to_csv(p, index=False))
    html = "".join(quartile_figure(table, spec.policies, m).to_html(full_html=False, include_plotlyjs=(i == 0))
                   for i, m in enumerate(("brokered_share", "shortfall")))
    write_atomic(folder / "who_gains.html", lambda p: Path(p).write_text(f"<html><body>{html}</body></html>"))
    pivot = table[table["measure"] == "shortfall"].pivot_table(index=["policy", "dimension"], columns="quartile",
                                                               values="effect")
    with pd.option_context("display.width", 140, "display.float_format", "{:+.4f}".format):
        print("Effect on the mean access shortfall by quartile (1 = least literate / nearest / poorest):")
        print(pivot.to_string())
    print(f"tables and figure in {folder}")


if __name__ == "__main__":
    main()
