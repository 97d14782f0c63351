"""The report of an experiment folder: ``python -m sim.experiments.report results/<experiment>/<time>``.

Reads only the saved tables and writes, beside them:

* ``report.html`` — self-contained (plotly): outcome trajectories with 95%
  bands, paired policy effects with 95% confidence intervals, effects by
  literacy, distance and income quartile; Morris μ*/σ and Sobol S1/ST;
  hysteresis loops with regime shares; each driver's outcomes over its
  values and its effect from lowest to highest; an exploration's PRIM boxes
  (with CART's cross-check), peeling trajectories, and its robust ranking
  (minimax regret, satisficing) beside the at-defaults comparison — whichever
  the experiment has;
* ``summary.csv`` — the table behind the main figure;
* ``drivers_range.csv`` — for a drivers experiment, each driver's paired
  effect from its lowest to its highest value on every outcome;
* ``kecamatan_summary.csv`` and ``kecamatan_effects.csv`` — for a scenario
  with several villages, each kecamatan's outcomes per policy (mean and sd over
  replicates) and each policy's paired effect per kecamatan, beside maps of
  the villages coloured by dependence under each policy and by its change;
* ``prim_boxes.csv``, ``robustness.csv``, ``exploration_effects.csv`` (and
  ``kecamatan_discovery.csv`` for a regency) — an exploration's scenario
  discovery and robust ranking (``sim.experiments.report_exploration``);
* ``figures/*.png`` — static images of every figure, when a Chromium browser
  is installed (plotly's kaleido drives it);

and prints the main table to the terminal.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    # The command line: a Ctrl-C while the modules below load (a second or more) is one line and exit 130, as it
    # is later on; ``main`` hands Ctrl-C back to Python's KeyboardInterrupt once they have loaded.
    import signal

    def _interrupted_while_loading(signum, frame) -> None:
        print("interrupted before the report was begun: nothing was written; run this command again to write it",
              file=sys.stderr)
        sys.exit(130)

    signal.signal(signal.SIGINT, _interrupted_while_loading)

import argparse
import html
import os
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from scipy import stats

from sim.core.outcomes import GROUP_DIMENSIONS, GROUP_MEASURES, QUARTILE_LABELS, QUARTILES, SHORTFALL, outcome
from sim.errors import ConfigError, OutputError, describe
from sim.experiments.kinds import kind_of
from sim.experiments.kinds.base import Section
from sim.experiments.runner import load_folder, record_missing
from sim.experiments.spec import Experiment
from sim.params.registry import PARAMS
from sim.shell.files import write_atomic
from sim.shell.signals import terminate_as_interrupt

TRAJECTORY_OUTCOMES = ("paid_dependence_share", "unpaid_facilitation_share", "patron_lockin_share",
                       "repeat_patron_rate", "unmet_share", "access_gap_literacy", "access_gap_distance",
                       "access_gap_income", "fees_per_household_rupiah", "online_share", "mean_literacy",
                       "completion_gap_distance")
EFFECT_OUTCOMES = ("paid_dependence_share", "brokered_share", "unpaid_facilitation_share", "patron_lockin_share",
                   "birth_certificate_coverage", "coverage_gap_literacy", "coverage_gap_income",
                   "access_gap_literacy", "access_gap_distance", "access_gap_income", "completion_gap_literacy",
                   "completion_gap_distance", "delay_gap_distance", "burden_gap_income", "unmet_share",
                   "fees_per_household_rupiah", "online_share")
COLOURS = ("#444444", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _band(x, mean, lo, hi, colour, name, show):
    """A line with a shaded 95% band (the band is a filled outline: lines only, no markers)."""
    rgba = _rgba(colour, 0.18)
    band = go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([hi, lo[::-1]]), fill="toself",
                      mode="lines", fillcolor=rgba, line={"width": 0}, hoverinfo="skip", showlegend=False,
                      legendgroup=name)
    line = go.Scatter(x=x, y=mean, mode="lines", line={"color": colour, "width": 2}, name=name, legendgroup=name,
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


def _value_axis(fig: go.Figure, declared, row=None, col=None, effect: bool = False) -> None:
    """A y axis in the outcome's shown unit; levels of shares, fees and indices start at zero (a fall is
    then drawn to scale, not from the lowest value shown)."""
    kwargs = {"title_text": declared.axis_title(effect=effect)}
    if not effect:
        kwargs["rangemode"] = "tozero"
    fig.update_yaxes(row=row, col=col, **kwargs)


# ------------------------------------------------------------------ comparison
def trajectories(runs: pd.DataFrame, series: pd.DataFrame, policies: list[str],
                 start_week: int | None = None) -> go.Figure:
    """Mean and 95% band over replicates of each outcome, per policy, in the outcome's shown unit."""
    series = series.merge(runs[["run_id", "policy"]], on="run_id")
    cols = 2
    rows = (len(TRAJECTORY_OUTCOMES) + 1) // cols
    titles = [outcome(name).label for name in TRAJECTORY_OUTCOMES]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.06)
    for k, name in enumerate(TRAJECTORY_OUTCOMES):
        declared = outcome(name)
        r, c = k // cols + 1, k % cols + 1
        for i, policy in enumerate(policies):
            g = series[series["policy"] == policy].groupby("step")
            x, mean, lo, hi = _mean_band(g, name)
            for trace in _band(x / 52, mean * declared.scale, lo * declared.scale, hi * declared.scale,
                               COLOURS[i % len(COLOURS)], policy, show=(k == 0)):
                fig.add_trace(trace, row=r, col=c)
        if start_week is not None:
            fig.add_vline(x=start_week / 52, line={"color": "#888", "dash": "dash", "width": 1}, row=r, col=c)
        fig.update_xaxes(title_text="year", row=r, col=c)
        _value_axis(fig, declared, row=r, col=c)
    note = "" if start_week is None else f"; dashed line: policies start (week {start_week})"
    fig.update_layout(height=300 * rows, title="Outcomes over time: mean over replicates with 95% band "
                                               f"(flows over the trailing year{note})")
    return fig


def effects_figure(effects: pd.DataFrame, policies: list[str]) -> go.Figure:
    """Each policy's paired effect with its 95% CI, per outcome, in the outcome's effect unit (pp for shares)."""
    outcomes = [o for o in EFFECT_OUTCOMES if o in set(effects["outcome"])]
    cols = 2
    rows = (len(outcomes) + 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[outcome(o).label for o in outcomes],
                        horizontal_spacing=0.25, vertical_spacing=0.08)
    for k, name in enumerate(outcomes):
        declared = outcome(name)
        r, c = k // cols + 1, k % cols + 1
        e = effects[effects["outcome"] == name].set_index("policy").reindex(policies).dropna(how="all")
        scale = declared.scale
        fig.add_trace(go.Scatter(
            x=e["effect"] * scale, y=e.index, mode="markers", marker={"size": 9, "color": "#1f77b4"},
            error_x={"type": "data", "symmetric": False, "array": (e["ci95_high"] - e["effect"]) * scale,
                     "arrayminus": (e["effect"] - e["ci95_low"]) * scale}, showlegend=False), row=r, col=c)
        fig.add_vline(x=0, line={"color": "#999", "dash": "dot"}, row=r, col=c)
        fig.update_xaxes(title_text=declared.axis_title(effect=True), row=r, col=c)
    fig.update_layout(height=280 * rows, title="Paired effect of each policy against the baseline "
                                               "(final year, mean difference with 95% CI)")
    return fig


def quartile_figure(qeff: pd.DataFrame, policies: list[str], measure: str = "paid_dependence_share") -> go.Figure:
    """Each policy's paired effect on ``measure`` in each quartile (1 to 4) of literacy, distance and income."""
    declared = GROUP_MEASURES[measure]
    fig = make_subplots(rows=1, cols=3, subplot_titles=[QUARTILE_LABELS[d] for d in GROUP_DIMENSIONS])
    for j, dim in enumerate(GROUP_DIMENSIONS):
        for i, policy in enumerate(policies):
            e = qeff[(qeff["measure"] == measure) & (qeff["dimension"] == dim) & (qeff["policy"] == policy)]
            e = e.sort_values("quartile")
            scale = declared.scale
            fig.add_trace(go.Bar(x=e["quartile"], y=e["effect"] * scale, name=policy, legendgroup=policy,
                                 marker_color=COLOURS[(i + 1) % len(COLOURS)], showlegend=(j == 0),
                                 error_y={"type": "data", "symmetric": False,
                                          "array": (e["ci95_high"] - e["effect"]) * scale,
                                          "arrayminus": (e["effect"] - e["ci95_low"]) * scale}), row=1, col=j + 1)
        fig.update_xaxes(title_text="quartile", tickvals=list(QUARTILES), row=1, col=j + 1)
    fig.update_yaxes(title_text=declared.axis_title(effect=True), row=1, col=1)
    fig.update_layout(barmode="group", height=450,
                      title=f"Who gains: paired effect on the {declared.label} by quartile (95% CI)")
    return fig


# ------------------------------------------------------------------ sensitivity
def morris_figure(morris: pd.DataFrame) -> go.Figure:
    """Morris μ* of the top 20 uncertainties, and μ* against σ, in the outcome's shown unit."""
    declared = outcome(morris["outcome"].iloc[0])
    scale = declared.scale
    top = morris.head(20)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12,
                        subplot_titles=("μ* (mean absolute elementary effect), top 20",
                                        "μ* against σ (non-linearity and interactions)"))
    fig.add_trace(go.Bar(x=top["mu_star"][::-1] * scale, y=top["parameter"][::-1], orientation="h",
                         error_x={"type": "data", "array": top["mu_star_conf"][::-1] * scale}, showlegend=False), 1, 1)
    fig.add_trace(go.Scatter(x=morris["mu_star"] * scale, y=morris["sigma"] * scale, mode="markers+text",
                             text=[p if i < 8 else "" for i, p in enumerate(morris["parameter"])],
                             textposition="top center", cliponaxis=False, showlegend=False), 1, 2)
    unit = declared.effect_unit
    fig.update_xaxes(title_text=f"μ* ({unit} over the plausible range)", row=1, col=1)
    fig.update_yaxes(automargin=True, row=1, col=1)
    fig.update_xaxes(title_text=f"μ* ({unit})", row=1, col=2)
    fig.update_yaxes(title_text=f"σ ({unit})", row=1, col=2)
    fig.update_layout(height=650, margin={"l": 230, "r": 40, "t": 80, "b": 60},
                      title=f"Morris screening of the {declared.label}")
    return fig


def sobol_figure(sobol: pd.DataFrame) -> go.Figure:
    """Sobol first-order and total indices with their confidence intervals."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=sobol["parameter"], y=sobol["S1"], name="S1 (first order)",
                         error_y={"type": "data", "array": sobol["S1_conf"]}))
    fig.add_trace(go.Bar(x=sobol["parameter"], y=sobol["ST"], name="ST (total)",
                         error_y={"type": "data", "array": sobol["ST_conf"]}))
    label = outcome(sobol["outcome"].iloc[0]).label if len(sobol) else ""
    fig.update_yaxes(title_text="share of the output variance (0–1)", rangemode="tozero")
    fig.update_layout(barmode="group", height=450,
                      title=f"Sobol indices of the {label} (95% CI)" if len(sobol) else "Sobol")
    return fig


# ------------------------------------------------------------------ hysteresis
def hysteresis_figure(summary: pd.DataFrame) -> go.Figure:
    """Each sweep's outcome along the up and the down branch (mean and 95% band), and the share of seeds in
    the high regime."""
    declared = outcome(summary["outcome"].iloc[0])
    scale = declared.scale
    sweeps = summary[["sweep", "parameter"]].drop_duplicates().to_records(index=False)
    fig = make_subplots(rows=2, cols=len(sweeps), subplot_titles=[
        *(f"{p}: {declared.label}" for _, p in sweeps), *(f"{p}: share of seeds in the high regime"
                                                          for _, p in sweeps)], vertical_spacing=0.15)
    for j, (sweep, parameter) in enumerate(sweeps):
        held = summary[(summary["sweep"] == sweep) & (summary["branch"] == "control")].sort_values("point")
        if len(held):   # the control chains: what time alone does at the first value (by point, in time order)
            fig.add_trace(go.Scatter(x=held["value"], y=held["mean"] * scale, mode="markers",
                                     marker={"color": "#888", "symbol": "x"}, name="control (lever held)",
                                     legendgroup="control", showlegend=(j == 0)), row=1, col=j + 1)
        for branch, colour in (("up", COLOURS[1]), ("down", COLOURS[3])):
            s = summary[(summary["sweep"] == sweep) & (summary["branch"] == branch)].sort_values("value")
            for trace in _band(s["value"].to_numpy(), s["mean"].to_numpy() * scale,
                               s["ci95_low"].to_numpy() * scale, s["ci95_high"].to_numpy() * scale, colour,
                               f"{branch} branch", show=(j == 0)):
                fig.add_trace(trace, row=1, col=j + 1)
            fig.add_trace(go.Scatter(x=s["value"], y=s["high_regime_share"] * 100, mode="lines+markers",
                                     line={"color": colour}, name=f"{branch} branch", legendgroup=f"{branch} branch",
                                     showlegend=False), row=2, col=j + 1)
        unit = PARAMS[parameter].unit if parameter in PARAMS else ""
        fig.update_xaxes(title_text=f"{parameter} ({unit})" if unit else parameter, row=2, col=j + 1)
        _value_axis(fig, declared, row=1, col=j + 1)
        fig.update_yaxes(title_text="seeds in the high regime (%)", range=[0, 100], row=2, col=j + 1)
    fig.update_layout(height=750, title="Hysteresis: the lever swept up, then down from each end state "
                                        "(mean with 95% band)")
    return fig


# ------------------------------------------------------------------ drivers
DRIVER_FIGURE_OUTCOMES = ("paid_dependence_share", "patron_lockin_share")


def drivers_figure(effects: pd.DataFrame, shown=DRIVER_FIGURE_OUTCOMES) -> go.Figure:
    """One panel per driver: the mean of each ``shown`` outcome at each of its values with a 95% band over the
    seeds, the baseline's value marked (dashed line, open diamond); every panel on the same y axis, from zero."""
    declared = [outcome(name) for name in shown]
    drivers = effects.drop_duplicates("driver")[["driver", "name", "parameter", "baseline_value"]]
    n = len(drivers)
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=list(drivers["name"]), horizontal_spacing=0.1,
                        vertical_spacing=min(0.12, 0.5 / rows))
    top = 0.0
    for k, d in enumerate(drivers.itertuples(index=False)):
        r, c = k // cols + 1, k % cols + 1
        for i, (name, decl) in enumerate(zip(shown, declared)):
            e = effects[(effects["driver"] == d.driver) & (effects["outcome"] == name)].sort_values("value")
            x = e["value"].to_numpy(dtype=float)
            mean, lo, hi = (e[col].to_numpy(dtype=float) * decl.scale for col in ("mean", "mean_ci95_low",
                                                                                   "mean_ci95_high"))
            top = max(top, float(np.nanmax(np.concatenate([mean, hi]))))
            colour = COLOURS[(i + 1) % len(COLOURS)]
            legend = f"{decl.label} ({decl.unit.replace('share of ', '% of ')})"
            # Lists, not arrays: the figure's JSON then holds the numbers themselves (plotly encodes arrays).
            band, line = _band(x.tolist(), mean.tolist(), lo.tolist(), hi.tolist(), colour, legend, show=(k == 0))
            line.update(mode="lines+markers")
            fig.add_trace(band, row=r, col=c)
            fig.add_trace(line, row=r, col=c)
            at_base = e["is_baseline"].to_numpy(dtype=bool)
            fig.add_trace(go.Scatter(x=x[at_base].tolist(), y=mean[at_base].tolist(), mode="markers",
                                     name="the baseline's value",
                                     legendgroup="baseline", showlegend=(k == 0 and i == 0), legendrank=1001,
                                     marker={"symbol": "diamond-open", "size": 13, "color": "#444",
                                             "line": {"width": 2}}), row=r, col=c)
        fig.add_vline(x=float(d.baseline_value), line={"color": "#888", "dash": "dash", "width": 1}, row=r, col=c)
        unit = PARAMS[d.parameter].unit if d.parameter in PARAMS else ""
        fig.update_xaxes(title_text=f"{d.parameter} ({unit})" if unit else d.parameter, row=r, col=c)
    units = {decl.shown_unit for decl in declared}
    title = " / ".join(decl.label for decl in declared) + (f" ({units.pop()})" if len(units) == 1 else "")
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text=title, col=1)
    if np.isfinite(top) and top > 0:                # the same scale in every panel: drivers compare at a glance
        upper = top * 1.05
        if all(decl.kind == "share" for decl in declared):
            upper = min(upper, 100.0)               # a band wider than the possible shares is cut at 100%
        fig.update_yaxes(range=[0, upper])
    replicates = int(effects["replicates"].min()) if len(effects) else 0
    fig.update_layout(height=max(380, 330 * rows), title=f"Each driver over its values: mean over {replicates} "
                      "seeds with 95% band (dashed line, open diamond: the baseline's value)")
    return fig


# ------------------------------------------------------------------ assembling
def _village_panels(panels: list[tuple[str, pd.DataFrame]], title: str, label: str, colorscale: str,
                    symmetric: bool = False) -> go.Figure:
    """Villages placed by position (km from Brebes town), coloured by ``value``, one panel each."""
    from sim.core.geography import BUMIAYU, km_from_brebes

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
            text=d["kecamatan"], hovertemplate="%{text}<br>" + label + " %{marker.color:.2f}<extra></extra>"),
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
    """Mean over replicates of ``measure`` per policy and village, in the outcome's shown unit."""
    table = (villages.groupby(["policy", "village"], sort=False)
             .agg(x_km=("x_km", "first"), y_km=("y_km", "first"), kecamatan=("kecamatan", "first"),
                  households=("households", "first"), value=(measure, "mean")).reset_index())
    table["value"] *= outcome(measure).scale
    return table


def village_map(villages: pd.DataFrame, policies: list[str], measure: str = "patron_lockin_share") -> go.Figure:
    """Villages by position, coloured by an outcome (mean over replicates), one panel per policy."""
    mean = _per_village(villages, measure)
    panels = [(f"policy: {p}", mean[mean["policy"] == p]) for p in policies if p in set(mean["policy"])]
    declared = outcome(measure)
    return _village_panels(panels, f"Villages by position, coloured by {declared.label} in the final year (mean "
                                   "over replicates)", declared.axis_title(), "Reds")


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
    label = outcome(measure).axis_title(effect=True)
    return _village_panels(panels, f"Villages by position, coloured by the {label} (final year, paired by "
                                   "replicate)", label, "RdBu_r", symmetric=True)


def kecamatan_effects_figure(effects: pd.DataFrame, measure: str = "patron_lockin_share") -> go.Figure:
    """Each kecamatan's paired effect on ``measure`` with its 95% CI, Brebes Selatan marked, per policy."""
    from sim.core.geography import SOUTH

    declared = outcome(measure)
    d = effects[effects["outcome"] == measure].copy()
    d[["effect", "ci95_low", "ci95_high"]] *= declared.scale
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
        fig.update_xaxes(title_text=declared.axis_title(effect=True), row=1, col=col)
    fig.update_layout(title=f"Effect on the {declared.label} by kecamatan, mean and 95% CI over paired "
                            "replicates (red: the six Brebes Selatan kecamatan)", template="plotly_white",
                      height=600, showlegend=False)
    return fig


def kecamatan_summary(kecamatan: pd.DataFrame) -> pd.DataFrame:
    """Mean and spread over replicates of each kecamatan's outcomes, per policy."""
    from sim.core.accounting import AREA_OUTCOMES

    grouped = kecamatan.groupby(["policy", "kecamatan"], sort=False)[list(AREA_OUTCOMES)]
    out = grouped.mean().add_suffix("_mean").join(grouped.std().add_suffix("_sd"))
    return out.reset_index()


def build(folder: str | Path, write_images: bool = True, quiet: bool = False) -> Path:
    """Write report.html, summary.csv (and figures/*.png) for an experiment folder; return the report path.

    The manifest says what is missing while the report is written (all of it, until it is done) and after
    (``missing``: the figures there are no images of, and why; empty when everything is there).

    Raises:
        ConfigError: not a finished experiment folder.
        OutputError: a file could not be written (it names the file); the tables and files written before
            it are kept, and a figure that could not be made is named in the manifest.
    """
    path, spec, manifest = load_folder(folder)
    if not (path / "runs.parquet").is_file():
        raise ConfigError("report folder", str(folder), "a finished experiment (runs.parquet is missing: "
                          "resume it first with resume=<folder>)")
    check_tables(path)
    unfinished = f"not written: the report stopped before it (python -m sim.experiments.report {path} writes it)"
    pending = {name: unfinished for name in ("summary.csv", "report.html", *(["figures/"] if write_images else []))}
    record_missing(path, manifest, pending)
    try:
        report, missing, failed = _write_report(path, spec, manifest, write_images, quiet)
    except BaseException:   # Ctrl-C, or a file that cannot be written: what is there is there, the rest is not
        try:
            record_missing(path, manifest, {name: why for name, why in pending.items()
                                            if name.endswith("/") or not (path / name).is_file()})
        except OutputError:
            pass
        raise
    record_missing(path, manifest, missing)
    if failed is not None:
        raise failed
    return report


def check_tables(path: Path) -> None:
    """The compacted tables the report reads are there and whole, or ConfigError naming the first that is not
    (a resume compacts them again from the runs' own files)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = ["runs.parquet", "timeseries.parquet"]
    if (path / "villages.parquet").exists() or (path / "kecamatan.parquet").exists():
        names += ["villages.parquet", "kecamatan.parquet"]
    for name in names:
        try:
            if not (path / name).is_file():
                raise FileNotFoundError(f"no file {name}")
            pq.read_metadata(path / name)
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise ConfigError("report folder", str(path), f"a finished experiment whose tables are whole: {name} is "
                              f"not ({describe(exc)[:120]}); python -m sim resume={path} compacts them again from "
                              "the runs' own files") from None


def _write_report(path: Path, spec, manifest: dict, write_images: bool, quiet: bool):
    """The report's tables, page and figures; (the page's path, {missing file: why}, the figure error or None)."""
    runs = pd.read_parquet(path / "runs.parquet")
    section = kind_of(spec).report(path, spec, runs, manifest["master_seed"])
    for name, table in section.tables.items():
        write_atomic(path / f"{name}.csv", lambda p, table=table: table.to_csv(p, index=False))
    report = path / "report.html"
    page = _html(spec, manifest, section)
    write_atomic(report, lambda p: Path(p).write_text(page, encoding="utf-8"))
    missing, failed = {}, None
    if write_images:
        try:
            why_not = export_images(section.figures, path / "figures")
        except OutputError as exc:
            failed, why_not = exc, None
            missing[os.path.relpath(exc.path, path)] = exc.cause
        if why_not is not None:
            missing["figures/"] = f"no PNG/SVG images: {why_not}"
            if not quiet:
                print(f"figures: no PNG/SVG images ({why_not}); report.html has every figure", file=sys.stderr)
    if not quiet:
        _print_table(section.shown, section.title, section.caption)
        for line in section.lines:
            print(line)
    return report, missing, failed


def _wall(seconds: object) -> str:
    """A wall time as a reader takes it in: ``11 min 16 s``, ``1 h 05 min``, ``8 s``."""
    if not isinstance(seconds, (int, float)) or seconds != seconds:
        return "unknown"
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def _html(spec: Experiment, manifest: dict, section: Section) -> str:
    parts = []
    for i, fig in enumerate(section.figures.values()):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    meta = (f"experiment <b>{html.escape(spec.name)}</b> ({spec.kind}) · scenario {html.escape(spec.scenario)} · "
            f"{manifest.get('runs_completed')} runs · master seed {manifest.get('master_seed')} · "
            f"git {html.escape(str(manifest.get('git_commit')))} · wall time {_wall(manifest.get('wall_time_s'))}")
    notes = ("<p>Shares are shown in percent and their changes in percentage points (pp); access gaps are "
             "differences of the mean access shortfall between the bottom and top quarters of households, in "
             "index points; fees in rupiah per household per year. Definitions of every outcome: "
             "<code>docs/outcomes.md</code>.</p><p>" + html.escape(SHORTFALL).replace("**access shortfall**",
                                                                                   "<b>access shortfall</b>")
             + "</p>")
    numbers = (f"<h2>{html.escape(section.title)}</h2>"
               + section.shown.to_html(index=False, escape=True, border=0, classes="numbers", na_rep="–"))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(spec.name)}</title><style>body{{font-family:sans-serif;margin:2em}}"
            "table.numbers{border-collapse:collapse;margin:1em 0}table.numbers td,table.numbers th"
            "{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
            "table.numbers td:first-child,table.numbers th:first-child{text-align:left}</style></head><body>"
            f"<h1>{html.escape(spec.name)}</h1><p>{html.escape(spec.description)}</p><p>{meta}</p>{notes}{numbers}"
            f"{section.html}"
            + "".join(parts) + "</body></html>")


def policy_start_week(runs: pd.DataFrame, policies: list[str]) -> int | None:
    """The earliest week in which a compared policy's lever is on (None if none ever is)."""
    from sim.params.registry import POLICY_NAMES

    weeks = []
    for lever in POLICY_NAMES:
        on = runs[(runs["policy"].isin(policies)) & (runs.get(f"{lever}_intensity", 0) > 0)]
        if len(on) and f"{lever}_start_step" in on:
            weeks.append(int(on[f"{lever}_start_step"].min()))
    return max(min(weeks), 1) if weeks else None


def export_images(figures: dict[str, go.Figure], folder: Path) -> str | None:
    """PNG and SVG of every figure (``sim.shell.images``); return None when written, else why not (one line).

    Static images are optional: without a Chromium browser, or when it cannot
    start (e.g. under a memory limit on a cluster's login node), the HTML
    report is complete and the reason is returned instead. A browser that
    starts but cannot make an image (twice) raises ``OutputError`` naming it.
    """
    from sim.shell.browser import find_chromium, missing_reason
    from sim.shell.images import Image, ImagesUnavailable, export

    browser = find_chromium()
    if browser is None:
        return missing_reason()
    images = []
    for name, fig in figures.items():
        data = fig.to_dict()
        images += [Image(data, folder / f"{name}.{ext}", 1200, fig.layout.height or 600) for ext in ("png", "svg")]
    try:
        export(images, browser)
    except ImagesUnavailable as exc:
        return str(exc)
    return None


def _print_table(df: pd.DataFrame, title: str, caption: str = "") -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for i, c in enumerate(df.columns):   # the first column (names) wraps when the table is too wide; numbers never
        table.add_column(str(c), justify="left" if i == 0 else "right", no_wrap=i > 0)
    for _, row in df.iterrows():
        table.add_row(*(_fmt(v) for v in row))
    console = Console(width=240)
    console.print(table)
    if caption:
        console.print(caption)


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "–"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4f}"
    return str(v)


def main(argv: list[str] | None = None) -> None:
    """``python -m sim.experiments.report <folder>``: (re)build an experiment's report."""
    if __name__ == "__main__":
        signal.signal(signal.SIGINT, signal.default_int_handler)   # loaded: Ctrl-C is a KeyboardInterrupt again
    parser = argparse.ArgumentParser(prog="python -m sim.experiments.report", description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("settings", nargs="*", metavar="images=false",
                        help="images=false skips the PNG/SVG export, as for an experiment")
    parser.add_argument("--no-images", action="store_true", help="the same as images=false")
    args = parser.parse_args(argv)
    images = not args.no_images
    for setting in args.settings:
        key, _, value = setting.partition("=")
        if key != "images" or value.lower() not in ("true", "false"):
            print(f"error: {setting!r} is not valid: allowed images=true or images=false", file=sys.stderr)
            sys.exit(2)
        images = images and value.lower() == "true"
    try:
        with terminate_as_interrupt():
            report = build(args.folder, write_images=images)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except OutputError as exc:
        print(f"error: {exc}; the manifest of {args.folder} says what is missing", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"interrupted: the report of {args.folder} is not complete (its manifest says what is missing); "
              "run this command again to write it", file=sys.stderr)
        sys.exit(130)
    print(f"report: {report}")


if __name__ == "__main__":
    main()
