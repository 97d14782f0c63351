"""When does pemekaran beat digital training? Scenario discovery over an open exploration.

Runs ``configs/experiment/exploration.yaml`` (or reads a finished exploration with ``--from``: the default one,
``exploration_brebes``, or your own with both policies), then, from the saved tables, in every sampled scenario:
pemekaran's paired effect on paid dependence minus digital training's (the same seed in both arms; negative where
pemekaran cuts more). From those differences:

* how often pemekaran beats training, and by more than ``--margin`` percentage points;
* which uncertainties move the difference most (Spearman's rank correlation over the scenarios);
* PRIM's box (EMA Workbench) of the scenarios where pemekaran beats training by more than the margin — coverage,
  density, the restrictions that matter (quasi-p) — said in one sentence, and CART's densest leaf as a check;
* for a regency exploration, the same share per kecamatan, beside its road distance to the regency seat.

Writes ``pemekaran_vs_training_by_scenario.csv``, ``pemekaran_vs_training_drivers.csv`` (and
``pemekaran_vs_training_by_kecamatan.csv``) and ``when_pemekaran_beats_training.html`` into the folder, and prints
the answer.

    .venv/bin/python experiments/when_pemekaran_beats_training.py                  # runs the 3,570-run exploration
    .venv/bin/python experiments/when_pemekaran_beats_training.py --from results/exploration/<time>
    .venv/bin/python experiments/when_pemekaran_beats_training.py --samples 100    # a smaller exploration
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

sys.path.insert(0, str(Path(__file__).parent))

from common import arguments, fail, run_or_load  # noqa: E402

from sim.experiments import discovery  # noqa: E402
from sim.experiments.report_exploration import peeling_figure  # noqa: E402
from sim.params.registry import PARAMS  # noqa: E402
from sim.shell.files import write_atomic  # noqa: E402

OUTCOME = "paid_dependence_share"
ARMS = ("none", "pemekaran", "digital_training")


def differences(spec, runs: pd.DataFrame) -> pd.DataFrame:
    """Per sampled scenario: each policy's effect and pemekaran's minus training's (``advantage``: negative where
    pemekaran cuts paid dependence more), with the scenario's values."""
    eff = discovery.effects(spec, runs, OUTCOME)
    x = discovery.uncertainties(spec, runs)
    table = pd.DataFrame({"pemekaran_effect": eff["pemekaran"], "training_effect": eff["digital_training"]})
    table["advantage"] = table["pemekaran_effect"] - table["training_effect"]
    return table.join(x)


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values for testing them all at once (each at most 1)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order])
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def drivers(table: pd.DataFrame, names: list[str], top: int = 10) -> pd.DataFrame:
    """The uncertainties most rank-correlated with pemekaran's advantage (negative rho: a higher value favours
    pemekaran), with p-values adjusted by Holm's method for the number of uncertainties tested."""
    rows = []
    for name in names:
        rho, p = stats.spearmanr(table[name], table["advantage"])
        rows.append({"uncertainty": name, "label": PARAMS[name].label_en, "spearman_rho": float(rho),
                     "p_value": float(p)})
    out = pd.DataFrame(rows).dropna()
    out["p_value_holm"] = holm(out["p_value"].to_numpy())
    out = out.drop(columns="p_value")
    return out.reindex(out["spearman_rho"].abs().sort_values(ascending=False).index).head(top).reset_index(drop=True)


def answer(table: pd.DataFrame, box: discovery.Box, margin: float, significance: float) -> str:
    """The study's answer in two sentences."""
    n = len(table)
    beats = float((table["advantage"] < 0).mean())
    clearly = float((table["advantage"] < -margin).mean())
    head = (f"Pemekaran cuts paid dependence more than digital training in {beats:.0%} of the {n} explored "
            f"scenarios, by more than {100 * margin:.1f} pp in {clearly:.0%}; digital training cuts it more in "
            f"{float((table['advantage'] > 0).mean()):.0%}.")
    if not box.found:
        return head + " No region of the assumptions stands out (PRIM found no box)."
    said = discovery.conditions(box, significance)
    if not said:
        return head + (" No assumption separates those scenarios from the others (PRIM's best box restricts "
                       "nothing significantly).")
    return (head + f" Its wins by that margin concentrate where {' and '.join(said)}: there it wins in "
            f"{box.density:.0%} of scenarios (against {clearly:.0%} overall), and {box.coverage:.0%} of its wins lie "
            f"there ({box.mass:.0%} of the space).")


def figure(table: pd.DataFrame, top: pd.DataFrame, margin: float) -> go.Figure:
    """The advantage's distribution, and the advantage against the two uncertainties that move it most."""
    shown = list(top["uncertainty"][:2])
    fig = make_subplots(rows=1, cols=1 + len(shown), horizontal_spacing=0.08, subplot_titles=[
        "pemekaran's effect minus training's (pp)", *[PARAMS[n].label_en for n in shown]])
    fig.add_trace(go.Histogram(x=table["advantage"] * 100, nbinsx=40, marker_color="#1f77b4", showlegend=False),
                  row=1, col=1)
    for x in (0.0, -100 * margin):
        fig.add_vline(x=x, line=dict(color="#d62728" if x else "#999999", dash="dash"), row=1, col=1)
    for c, name in enumerate(shown, start=2):
        fig.add_trace(go.Scatter(x=table[name], y=table["advantage"] * 100, mode="markers", showlegend=False,
                                 marker=dict(size=5, color=np.where(table["advantage"] < -margin, "#2ca02c",
                                                                    "#aaaaaa"))), row=1, col=c)
        fig.add_hline(y=-100 * margin, line=dict(color="#d62728", dash="dash"), row=1, col=c)
        fig.update_yaxes(title_text="pp" if c == 2 else None, row=1, col=c)
    fig.update_layout(title=f"Where pemekaran beats digital training (green: by more than {100 * margin:.1f} pp; "
                            "negative = pemekaran cuts paid dependence more)", template="plotly_white", height=430)
    return fig


def by_kecamatan(spec, folder: Path, margin: float) -> pd.DataFrame:
    """For a regency exploration: per kecamatan, how often pemekaran beats training there, and its distance."""
    kec = pd.read_parquet(folder / "kecamatan.parquet")
    kec = kec[kec["sample"] >= 0]
    table = kec.pivot_table(index=["kecamatan", "sample", "replicate"], columns="policy", values=OUTCOME,
                            aggfunc="first")
    adv = ((table["pemekaran"] - table["digital_training"]).groupby(level=["kecamatan", "sample"]).mean())
    from sim.core.geography import KECAMATAN, detour_to_brebes, straight_km

    road = {k.name: detour_to_brebes(k) * straight_km(k) for k in KECAMATAN}
    south = {k.name: k.south for k in KECAMATAN}
    out = adv.groupby(level="kecamatan").agg(
        beats_share=lambda a: float((a < 0).mean()), beats_by_margin_share=lambda a: float((a < -margin).mean()),
        median_advantage_pp=lambda a: float(100 * a.median())).reset_index()
    out["road_km_to_brebes"] = out["kecamatan"].map(road).round(0)
    out["brebes_selatan"] = out["kecamatan"].map(south)
    return out.sort_values("beats_by_margin_share", ascending=False).reset_index(drop=True)


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, help="override the exploration's samples (at least 100)")
    parser.add_argument("--margin", type=float, default=1.0,
                        help="percentage points by which pemekaran must beat training (default 1.0)")
    args = parser.parse_args()
    if not 0 <= args.margin < 100:
        fail(f"--margin={args.margin} is not valid: allowed percentage points from 0 to under 100")
    margin = args.margin / 100
    folder, spec, runs = run_or_load("exploration", args, needs=ARMS, kind="exploration")
    table = differences(spec, runs)
    names = spec.uncertainty_names()
    top = drivers(table, names)
    success = (table["advantage"] < -margin).to_numpy()
    box = discovery.prim_box(table[names], success, spec.prim, "pemekaran beats training", OUTCOME, margin)
    tree = discovery.cart_box(table[names], success, spec.prim.mass_min)
    text = answer(table, box, margin, spec.prim.significance)
    write_atomic(folder / "pemekaran_vs_training_by_scenario.csv", lambda p: table.to_csv(p))
    write_atomic(folder / "pemekaran_vs_training_drivers.csv", lambda p: top.to_csv(p, index=False))
    figures = [figure(table, top, margin)]
    if box.found:
        peel = peeling_figure([(box, tree)], OUTCOME)
        peel.update_layout(title=f"PRIM peeling trajectory: where pemekaran beats training by more than "
                                 f"{args.margin:.1f} pp (red circle: the box reported)")
        figures.append(peel)
    kecamatan = None
    if (folder / "kecamatan.parquet").is_file():
        kecamatan = by_kecamatan(spec, folder, margin)
        write_atomic(folder / "pemekaran_vs_training_by_kecamatan.csv", lambda p: kecamatan.to_csv(p, index=False))
    page = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>When does pemekaran beat digital training?"
            "</title></head><body style='font-family:sans-serif;margin:2em'>",
            "<h1>When does pemekaran beat digital training?</h1>", f"<p>{text}</p>",
            "<h2>Uncertainties that move pemekaran's advantage most (Spearman)</h2>",
            top.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0)]
    if tree:
        page.append(f"<p>CART's cross-check: its densest leaf (coverage {tree['coverage']:.0%}, density "
                    f"{tree['density']:.0%}) splits on {', '.join(tree['restricted']) or 'nothing'}.</p>")
    if kecamatan is not None:
        page += ["<h2>By kecamatan</h2>", kecamatan.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0)]
    page += [f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)]
    page.append("</body></html>")
    write_atomic(folder / "when_pemekaran_beats_training.html", lambda p: Path(p).write_text("".join(page)))
    print(text)
    if tree:
        print(f"CART's densest leaf (coverage {tree['coverage']:.0%}, density {tree['density']:.0%}) splits on "
              f"{', '.join(tree['restricted']) or 'nothing'}.")
    print(f"Uncertainties that move the difference most (Spearman's rho; negative: a higher value favours pemekaran; "
          f"p-values adjusted for the {len(names)} uncertainties tested, Holm):")
    print(top.assign(spearman_rho=top["spearman_rho"].round(3),
                     p_value_holm=top["p_value_holm"].map(lambda v: f"{v:.1g}")).to_string(index=False))
    if kecamatan is not None:
        print(kecamatan.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"tables and figures in {folder}")


if __name__ == "__main__":
    main()
