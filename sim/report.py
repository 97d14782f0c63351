"""The report of an experiment folder: ``python -m sim.report results/<experiment>/<time>``.

Reads only the saved tables and writes, beside them:

* ``report.html`` — self-contained (plotly): outcome trajectories with 95%
  bands, paired policy effects with 95% confidence intervals, effects by
  literacy, distance and income quartile; Morris μ*/σ and Sobol S1/ST;
  hysteresis loops with regime shares — whichever the experiment has;
* ``summary.csv`` — the table behind the main figure;
* ``kecamatan_summary.csv`` and ``kecamatan_effects.csv`` — for a scenario
  with several villages, each kecamatan's outcomes per policy (mean and sd over
  replicates) and each policy's paired effect per kecamatan, beside maps of
  the villages coloured by dependence under each policy and by its change;
* ``figures/*.png`` — static images of every figure, when a Chromium browser
  is installed (plotly's kaleido drives it);

and prints the main table to the terminal.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from sim.errors import ConfigError
from sim.experiments import analysis
from sim.experiments.runner import load_folder
from sim.output import write_atomic

TRAJECTORY_OUTCOMES = ("brokered_share", "patron_lockin_share", "repeat_patron_rate", "unmet_share",
                       "access_gap_literacy", "access_gap_distance", "access_gap_income",
                       "fees_per_household_rupiah", "online_share", "mean_literacy")
EFFECT_OUTCOMES = ("brokered_share", "patron_lockin_share", "access_gap_literacy", "access_gap_distance",
                   "access_gap_income", "unmet_share", "fees_per_household_rupiah", "online_share")
COLOURS = ("#444444", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _band(x, mean, lo, hi, colour, name, show, row=None, col=None):
    """A line with a shaded 95% band."""
    rgba = _rgba(colour, 0.18)
    band = go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]), fill="toself",
                      fillcolor=rgba, line={"width": 0}, hoverinfo="skip", showlegend=False, legendgroup=name)
    line = go.Scatter(x=x, y=mean, line={"color": colour, "width": 2}, name=name, legendgroup=name,
                      showlegend=show)
    return band, line


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _mean_band(groups: pd.core.groupby.DataFrameGroupBy, column: str):
    agg = groups[column].agg(["mean", "std", "count"])
    t = stats.t.ppf(0.975, np.maximum(agg["count"] - 1, 1))
    half = np.where(agg["count"] > 1, t * agg["std"] / np.sqrt(agg["count"]), 0.0)
    return agg.index.to_numpy(), agg["mean"].to_numpy(), (agg["mean"] - half).to_numpy(), \
        (agg["mean"] + half).to_numpy()


# ------------------------------------------------------------------ comparison
def trajectories(runs: pd.DataFrame, series: pd.DataFrame, policies: list[str]) -> go.Figure:
    series = series.merge(runs[["run_id", "policy"]], on="run_id")
    cols = 2
    rows = (len(TRAJECTORY_OUTCOMES) + 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=TRAJECTORY_OUTCOMES, vertical_spacing=0.06)
    for k, name in enumerate(TRAJECTORY_OUTCOMES):
        r, c = k // cols + 1, k % cols + 1
        for i, policy in enumerate(policies):
            g = series[series["policy"] == policy].groupby("step")
            x, mean, lo, hi = _mean_band(g, name)
            for trace in _band(x / 52, mean, lo, hi, COLOURS[i % len(COLOURS)], policy, show=(k == 0)):
                fig.add_trace(trace, row=r, col=c)
        fig.update_xaxes(title_text="year", row=r, col=c)
    fig.update_layout(height=300 * rows, title="Outcomes over time: mean over replicates with 95% band "
                                               "(flows over the trailing year)")
    return fig


def effects_figure(effects: pd.DataFrame, policies: list[str]) -> go.Figure:
    outcomes = [o for o in EFFECT_OUTCOMES if o in set(effects["outcome"])]
    cols = 2
    rows = (len(outcomes) + 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=outcomes, horizontal_spacing=0.25,
                        vertical_spacing=0.08)
    for k, name in enumerate(outcomes):
        r, c = k // cols + 1, k % cols + 1
        e = effects[effects["outcome"] == name].set_index("policy").reindex(policies).dropna(how="all")
        fig.add_trace(go.Scatter(
            x=e["effect"], y=e.index, mode="markers", marker={"size": 9, "color": "#1f77b4"},
            error_x={"type": "data", "symmetric": False, "array": e["ci95_high"] - e["effect"],
                     "arrayminus": e["effect"] - e["ci95_low"]}, showlegend=False), row=r, col=c)
        fig.add_vline(x=0, line={"color": "#999", "dash": "dot"}, row=r, col=c)
    fig.update_layout(height=260 * rows, title="Paired effect of each policy against the baseline "
                                               "(final year, mean difference with 95% CI)")
    return fig


def quartile_figure(qeff: pd.DataFrame, policies: list[str], measure: str = "brokered_share") -> go.Figure:
    dims = ("literacy", "distance", "income")
    labels = {"literacy": "literacy quartile (1 = least literate)", "distance": "distance quartile (1 = nearest)",
              "income": "income quartile (1 = poorest)"}
    fig = make_subplots(rows=1, cols=3, subplot_titles=[labels[d] for d in dims])
    for j, dim in enumerate(dims):
        for i, policy in enumerate(policies):
            e = qeff[(qeff["measure"] == measure) & (qeff["dimension"] == dim) & (qeff["policy"] == policy)]
            e = e.sort_values("quartile")
            fig.add_trace(go.Bar(x=e["quartile"], y=e["effect"], name=policy, legendgroup=policy,
                                 marker_color=COLOURS[(i + 1) % len(COLOURS)], showlegend=(j == 0),
                                 error_y={"type": "data", "symmetric": False, "array": e["ci95_high"] - e["effect"],
                                          "arrayminus": e["effect"] - e["ci95_low"]}), row=1, col=j + 1)
    fig.update_layout(barmode="group", height=450,
                      title=f"Who gains: paired effect on {measure} by quartile (95% CI)")
    return fig


# ------------------------------------------------------------------ sensitivity
def morris_figure(morris: pd.DataFrame) -> go.Figure:
    top = morris.head(20)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("μ* (mean absolute elementary effect), top 20",
                                                        "μ* against σ (non-linearity and interactions)"))
    fig.add_trace(go.Bar(x=top["mu_star"][::-1], y=top["parameter"][::-1], orientation="h",
                         error_x={"type": "data", "array": top["mu_star_conf"][::-1]}, showlegend=False), 1, 1)
    fig.add_trace(go.Scatter(x=morris["mu_star"], y=morris["sigma"], mode="markers+text",
                             text=[p if i < 8 else "" for i, p in enumerate(morris["parameter"])],
                             textposition="top center", showlegend=False), 1, 2)
    fig.update_xaxes(title_text="μ*", row=1, col=2)
    fig.update_yaxes(title_text="σ", row=1, col=2)
    fig.update_layout(height=600, title=f"Morris screening of {morris['outcome'].iloc[0]}")
    return fig


def sobol_figure(sobol: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=sobol["parameter"], y=sobol["S1"], name="S1 (first order)",
                         error_y={"type": "data", "array": sobol["S1_conf"]}))
    fig.add_trace(go.Bar(x=sobol["parameter"], y=sobol["ST"], name="ST (total)",
                         error_y={"type": "data", "array": sobol["ST_conf"]}))
    fig.update_layout(barmode="group", height=450,
                      title=f"Sobol indices of {sobol['outcome'].iloc[0]} (95% CI)" if len(sobol) else "Sobol")
    return fig


# ------------------------------------------------------------------ hysteresis
def hysteresis_figure(summary: pd.DataFrame) -> go.Figure:
    sweeps = summary[["sweep", "parameter"]].drop_duplicates().to_records(index=False)
    fig = make_subplots(rows=2, cols=len(sweeps), subplot_titles=[
        *(f"{p}: {summary['outcome'].iloc[0]}" for _, p in sweeps), *(f"{p}: share of seeds in the high regime"
                                                                       for _, p in sweeps)], vertical_spacing=0.15)
    for j, (sweep, parameter) in enumerate(sweeps):
        for branch, colour in (("up", COLOURS[1]), ("down", COLOURS[3])):
            s = summary[(summary["sweep"] == sweep) & (summary["branch"] == branch)].sort_values("value")
            for trace in _band(s["value"].to_numpy(), s["mean"].to_numpy(), s["ci95_low"].to_numpy(),
                               s["ci95_high"].to_numpy(), colour, f"{branch} branch", show=(j == 0)):
                fig.add_trace(trace, row=1, col=j + 1)
            fig.add_trace(go.Scatter(x=s["value"], y=s["high_regime_share"], mode="lines+markers",
                                     line={"color": colour}, name=f"{branch} branch", legendgroup=f"{branch} branch",
                                     showlegend=False), row=2, col=j + 1)
        fig.update_xaxes(title_text=parameter, row=2, col=j + 1)
    fig.update_layout(height=750, title="Hysteresis: the lever swept up, then down from each end state "
                                        "(mean with 95% band)")
    return fig


# ------------------------------------------------------------------ assembling
def _village_panels(panels: list[tuple[str, pd.DataFrame]], title: str, label: str, colorscale: str,
                    symmetric: bool = False) -> go.Figure:
    """Villages placed by position (km from Brebes town), coloured by ``value``, one panel each."""
    from sim.geography import BUMIAYU, km_from_brebes

    bumiayu = km_from_brebes(*BUMIAYU)
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[name for name, _ in panels],
                        shared_yaxes=True, horizontal_spacing=0.03)
    values = pd.concat([d["value"] for _, d in panels])
    lo, hi = float(values.min()), float(values.max())
    if symmetric:
        lo, hi = -max(abs(lo), abs(hi), 1e-9), max(abs(lo), abs(hi), 1e-9)
    biggest = max(float(d["households"].max()) for _, d in panels)
    for col, (_, d) in enumerate(panels, start=1):
        last = col == len(panels)
        fig.add_trace(go.Scatter(
            x=d["x_km"], y=d["y_km"], mode="markers", showlegend=False,
            marker=dict(color=d["value"], cmin=lo, cmax=hi, colorscale=colorscale,
                        size=4 + 10 * np.sqrt(d["households"] / biggest), line=dict(width=0.5, color="#555"),
                        colorbar=dict(title=label) if last else None, showscale=last),
            text=d["kecamatan"], hovertemplate="%{text}<br>" + label + " %{marker.color:.3f}<extra></extra>"),
            row=1, col=col)
        fig.add_trace(go.Scatter(x=[0.0, bumiayu[0]], y=[0.0, bumiayu[1]], mode="markers+text",
                                 text=["Brebes", "Bumiayu"], textposition="top center", hoverinfo="text",
                                 marker=dict(symbol=["star", "star-open"], size=12, color="black"), showlegend=False),
                      row=1, col=col)
        fig.update_xaxes(title_text="km east of Brebes town", row=1, col=col)
    fig.update_yaxes(title_text="km north of Brebes town", scaleanchor="x", row=1, col=1)
    fig.update_layout(title=title, template="plotly_white", height=600)
    return fig


def _per_village(villages: pd.DataFrame, measure: str) -> pd.DataFrame:
    return (villages.groupby(["policy", "village"], sort=False)
            .agg(x_km=("x_km", "first"), y_km=("y_km", "first"), kecamatan=("kecamatan", "first"),
                 households=("households", "first"), value=(measure, "mean")).reset_index())


def village_map(villages: pd.DataFrame, policies: list[str], measure: str = "patron_lockin_share") -> go.Figure:
    """Villages by position, coloured by an outcome (mean over replicates), one panel per policy."""
    mean = _per_village(villages, measure)
    panels = [(f"policy: {p}", mean[mean["policy"] == p]) for p in policies if p in set(mean["policy"])]
    label = measure.replace("_", " ")
    return _village_panels(panels, f"Villages by position, coloured by {label} in the final year (mean over "
                                   "replicates)", label, "Reds")


def village_change_map(villages: pd.DataFrame, baseline: str, policies: list[str],
                       measure: str = "patron_lockin_share") -> go.Figure:
    """Villages by position, coloured by each policy's paired effect (policy − baseline, mean over replicates)."""
    mean = _per_village(villages, measure)
    base = mean[mean["policy"] == baseline].set_index("village")["value"]
    panels = []
    for p in policies:
        d = mean[mean["policy"] == p].set_index("village")
        if len(d):
            panels.append((f"{p} − {baseline}", d.assign(value=d["value"] - base.reindex(d.index)).reset_index()))
    label = f"change in {measure.replace('_', ' ')}"
    return _village_panels(panels, f"Villages by position, coloured by the {label} (final year, paired by "
                                   "replicate)", label, "RdBu_r", symmetric=True)


def kecamatan_effects_figure(effects: pd.DataFrame, measure: str = "patron_lockin_share") -> go.Figure:
    """Each kecamatan's paired effect on ``measure`` with its 95% CI, Brebes Selatan marked, per policy."""
    from sim.geography import SOUTH

    d = effects[effects["outcome"] == measure]
    policies = list(d["policy"].unique())
    fig = make_subplots(rows=1, cols=max(len(policies), 1), subplot_titles=[f"policy: {p}" for p in policies],
                        shared_yaxes=True)
    for col, policy in enumerate(policies, start=1):
        e = d[d["policy"] == policy].sort_values("effect")
        south = e["kecamatan"].isin(SOUTH)
        fig.add_trace(go.Bar(
            y=e["kecamatan"], x=e["effect"], orientation="h", showlegend=col == 1, name="Brebes Selatan",
            marker_color=np.where(south, "#b2182b", "#999999").tolist(),
            error_x=dict(type="data", symmetric=False, array=(e["ci95_high"] - e["effect"]).tolist(),
                         arrayminus=(e["effect"] - e["ci95_low"]).tolist())), row=1, col=col)
        fig.update_xaxes(title_text=f"change in {measure.replace('_', ' ')}", row=1, col=col)
    fig.update_layout(title=f"Effect on {measure.replace('_', ' ')} by kecamatan, mean and 95% CI over paired "
                            "replicates (red: the six Brebes Selatan kecamatan)", template="plotly_white",
                      height=600, showlegend=False)
    return fig


def kecamatan_summary(kecamatan: pd.DataFrame) -> pd.DataFrame:
    """Mean and spread over replicates of each kecamatan's outcomes, per policy."""
    from sim.outcomes import AREA_OUTCOMES

    grouped = kecamatan.groupby(["policy", "kecamatan"], sort=False)[list(AREA_OUTCOMES)]
    out = grouped.mean().add_suffix("_mean").join(grouped.std().add_suffix("_sd"))
    return out.reset_index()


def build(folder: str | Path, write_images: bool = True, quiet: bool = False) -> Path:
    """Write report.html, summary.csv (and figures/*.png) for an experiment folder; return the report path."""
    path, spec, manifest = load_folder(folder)
    if not (path / "runs.parquet").is_file():
        raise ConfigError("report folder", str(folder), "a finished experiment (runs.parquet is missing: "
                          "resume it first with resume=<folder>)")
    runs = pd.read_parquet(path / "runs.parquet")
    figures: dict[str, go.Figure] = {}
    if spec.kind == "comparison":
        policies = [spec.baseline, *spec.policies]
        series = pd.read_parquet(path / "timeseries.parquet")
        effects = analysis.paired_effects(runs, spec.baseline)
        qeff = analysis.quartile_effects(runs, spec.baseline)
        figures["trajectories"] = trajectories(runs, series, policies)
        figures["effects"] = effects_figure(effects, spec.policies)
        figures["quartiles_brokered"] = quartile_figure(qeff, spec.policies, "brokered_share")
        figures["quartiles_shortfall"] = quartile_figure(qeff, spec.policies, "shortfall")
        if (path / "villages.parquet").is_file():
            villages = pd.read_parquet(path / "villages.parquet")
            kecamatan = pd.read_parquet(path / "kecamatan.parquet")
            kec_effects = analysis.area_effects(kecamatan, spec.baseline, "kecamatan")
            figures["villages_lockin"] = village_map(villages, policies, "patron_lockin_share")
            figures["villages_lockin_change"] = village_change_map(villages, spec.baseline, spec.policies)
            figures["villages_brokered"] = village_map(villages, policies, "brokered_share")
            figures["kecamatan_effects"] = kecamatan_effects_figure(kec_effects)
            kec = kecamatan_summary(kecamatan)
            write_atomic(path / "kecamatan_summary.csv", lambda p: kec.to_csv(p, index=False))
            write_atomic(path / "kecamatan_effects.csv", lambda p: kec_effects.to_csv(p, index=False))
        summary = effects
        shown = _effects_pivot(effects)
        table_title = (f"{spec.name}: paired effects against '{spec.baseline}' in the final year, mean ± 95% CI; "
                       "shares in percentage points")
    elif spec.kind == "sensitivity":
        morris = analysis.morris_indices(spec, runs, manifest["master_seed"], spec.outcome)
        sobol = analysis.sobol_indices(spec, runs, manifest["master_seed"], spec.outcome)
        figures["morris"] = morris_figure(morris)
        figures["sobol"] = sobol_figure(sobol)
        summary = pd.concat([morris.assign(method="morris"), sobol.assign(method="sobol")], ignore_index=True)
        shown = sobol if len(sobol) else morris.head(10)
        table_title = f"{spec.name}: sensitivity of {spec.outcome}"
    else:
        summary = analysis.hysteresis_summary(spec, runs)
        figures["hysteresis"] = hysteresis_figure(summary)
        shown = summary
        table_title = f"{spec.name}: {spec.outcome} along each branch (share of seeds ≥ {spec.regime_threshold})"

    write_atomic(path / "summary.csv", lambda p: summary.to_csv(p, index=False))
    report = path / "report.html"
    write_atomic(report, lambda p: Path(p).write_text(_html(spec, manifest, figures), encoding="utf-8"))
    if write_images:
        why_not = export_images(figures, path / "figures")
        if why_not is not None and not quiet:
            print(f"figures: no PNG/SVG images ({why_not}); report.html has every figure", file=sys.stderr)
    if not quiet:
        _print_table(shown, table_title)
    return report


def _html(spec, manifest: dict, figures: dict[str, go.Figure]) -> str:
    parts = []
    for i, fig in enumerate(figures.values()):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    meta = (f"experiment <b>{html.escape(spec.name)}</b> ({spec.kind}) · scenario {html.escape(spec.scenario)} · "
            f"{manifest.get('runs_completed')} runs · master seed {manifest.get('master_seed')} · "
            f"git {html.escape(str(manifest.get('git_commit')))} · wall time {manifest.get('wall_time_s')} s")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(spec.name)}</title><style>body{{font-family:sans-serif;margin:2em}}</style></head><body>"
            f"<h1>{html.escape(spec.name)}</h1><p>{html.escape(spec.description)}</p><p>{meta}</p>"
            + "".join(parts) + "</body></html>")


def export_images(figures: dict[str, go.Figure], folder: Path) -> str | None:
    """PNG and SVG of every figure through kaleido; return None when written, else why not (one line).

    Static images are optional: without a Chromium browser, or when it cannot
    start (e.g. under a memory limit on a cluster's login node), the HTML
    report is complete and the reason is returned instead.
    """
    from sim.browser import find_chromium, missing_reason

    browser = find_chromium()
    if browser is None:
        return missing_reason()
    os.environ.setdefault("BROWSER_PATH", browser)
    import plotly.io as pio

    folder.mkdir(parents=True, exist_ok=True)
    figs, tmps, written = [], [], []
    for name, fig in figures.items():
        for ext in ("png", "svg"):
            written.append(folder / f"{name}.{ext}")
            tmps.append(folder / f".{name}.{ext}.tmp")
            figs.append(fig)
    # One browser session for all images (much faster than one each), then atomic renames.
    try:
        pio.write_images(figs, tmps, format=[t.suffixes[-2][1:] for t in tmps], width=1200,
                         height=[f.layout.height or 600 for f in figs])
    except Exception as exc:   # kaleido's errors are many kinds; every one means: no images this time
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
        first = " ".join(str(exc.args[0] if exc.args else exc).split()) or type(exc).__name__
        first = first if len(first) <= 120 else first[:119] + "…"
        return f"the browser at {browser} could not export them ({type(exc).__name__}: {first})"
    for tmp, target in zip(tmps, written):
        os.replace(tmp, target)
    return None


def _effects_pivot(effects: pd.DataFrame) -> pd.DataFrame:
    """One row per policy, one column per outcome: 'effect ± half-width of the 95% CI'."""
    short = {"brokered_share": "brokered", "patron_lockin_share": "lock-in", "access_gap_literacy": "gap lit.",
             "access_gap_distance": "gap dist.", "access_gap_income": "gap inc.", "unmet_share": "unmet",
             "fees_per_household_rupiah": "fees Rp/hh/yr", "online_share": "online"}
    rows = []
    for policy, g in effects.groupby("policy", sort=False):
        row = {"policy vs baseline": policy}
        for _, e in g.set_index("outcome").reindex(list(short)).iterrows():
            scale = 1.0 if e.name.endswith("_rupiah") else 100.0   # shares in percentage points
            fmt = "{:+,.0f}" if scale == 1.0 else "{:+.1f}"
            half = (e["ci95_high"] - e["ci95_low"]) / 2 * scale
            row[short[e.name]] = (f"{fmt.format(e['effect'] * scale)} ± {abs(half):,.{0 if scale == 1 else 1}f}"
                                  if np.isfinite(e["effect"]) else "–")
        rows.append(row)
    return pd.DataFrame(rows)


def _print_table(df: pd.DataFrame, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for c in df.columns:
        table.add_column(str(c), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
    for _, row in df.iterrows():
        table.add_row(*(_fmt(v) for v in row))
    Console(width=160).print(table)


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4f}"
    return str(v)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.report", description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--no-images", action="store_true", help="skip the PNG/SVG export")
    args = parser.parse_args(argv)
    try:
        report = build(args.folder, write_images=not args.no_images)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"report: {report}")


if __name__ == "__main__":
    main()
