"""The report of an exploration (``kind: exploration``): scenario discovery and the robust ranking.

Its tables, written beside the other experiments' files: ``prim_boxes.csv`` (each policy's PRIM box per discovery
question, CART's cross-check and the sentence), ``robustness.csv`` (the summary: minimax regret and satisficing
with the at-defaults effects), ``exploration_effects.csv`` (every policy's paired effect in every sampled
scenario, with the scenario's values) and, for a scenario of several villages, ``kecamatan_discovery.csv``.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.core.geography import REGENCY_VILLAGES
from sim.core.outcomes import outcome
from sim.experiments import discovery
from sim.experiments.kinds.base import Section
from sim.experiments.kinds.exploration import ExplorationExperiment
from sim.experiments.report import COLOURS


def peeling_figure(found: list[tuple[discovery.Box, dict]], name: str) -> go.Figure:
    """PRIM's peeling trajectory of each policy for one discovery outcome: density against coverage of every
    box on the trajectory (colour: restricted dimensions), the reported box circled."""
    boxes = [b for b, _ in found if b.outcome == name]
    cols = min(3, max(len(boxes), 1))
    rows = -(-len(boxes) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"{discovery.policy_label(b.policy)} ({b.share:.0%} "
                                                              "succeed)" for b in boxes],
                        horizontal_spacing=0.08, vertical_spacing=0.16)
    for i, box in enumerate(boxes):
        r, c = i // cols + 1, i % cols + 1
        if not box.found:
            fig.add_annotation(text="no box: successes too rare or too common", showarrow=False, row=r, col=c,
                               x=0.5, y=0.5)
            continue
        t = box.trajectory
        fig.add_trace(go.Scatter(x=t["coverage"], y=t["density"], mode="markers+lines",
                                 marker=dict(color=t["res_dim"], colorscale="Viridis", size=7, showscale=i == 0,
                                             colorbar=dict(title="restricted<br>dimensions")),
                                 line=dict(color="#bbbbbb", width=1), name=box.policy, showlegend=False,
                                 hovertemplate="coverage %{x:.2f}<br>density %{y:.2f}<extra></extra>"),
                      row=r, col=c)
        fig.add_trace(go.Scatter(x=[box.coverage], y=[box.density], mode="markers", showlegend=False,
                                 marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color="#d62728", width=2)),
                                 hoverinfo="skip"), row=r, col=c)
        # Axes around the trajectory (its points often lie within a few percent of each other), not 0 to 1.
        x_lo, y_lo, y_hi = float(t["coverage"].min()), float(t["density"].min()), float(t["density"].max())
        pad_x, pad_y = max(0.02, 0.08 * (1 - x_lo)), max(0.02, 0.08 * (y_hi - y_lo))
        fig.update_xaxes(title_text="coverage", range=[max(0.0, x_lo - pad_x), 1 + pad_x], tickformat=".0%",
                         row=r, col=c)
        fig.update_yaxes(title_text="density", range=[max(0.0, y_lo - pad_y), min(1.0, y_hi) + pad_y],
                         tickformat=".0%", row=r, col=c)
    decl = outcome(name)
    threshold = boxes[0].threshold if boxes else np.nan
    fig.update_layout(title=f"PRIM peeling trajectories: where each policy cuts {decl.label} by more than "
                            f"{discovery.amount(name, threshold)} "
                            "(red circle: the box reported)", template="plotly_white", height=330 * rows + 80)
    return fig


def robustness_figure(robust: pd.DataFrame, reg: pd.DataFrame) -> go.Figure:
    """The robust ranking beside the at-defaults comparison: each arm's effect at the scenario's values (95% CI),
    its satisficing share, and the distribution of its regret over the sampled scenarios."""
    decl = outcome(robust["outcome"].iloc[0])
    target = discovery.amount(decl.name, robust["satisficing_target"].iloc[0])
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.1, subplot_titles=(
        f"effect at the defaults ({decl.effect_unit})", f"scenarios cut by at least {target}",
        f"regret over the scenarios ({decl.effect_unit})"))
    order = [discovery.policy_label(p) for p in robust["policy"]]
    s = decl.scale
    mean, low, high = (robust[f"at_defaults_{c}"] * s for c in ("effect", "ci95_low", "ci95_high"))
    fig.add_trace(go.Scatter(x=mean, y=order, mode="markers", marker=dict(color="#1f77b4", size=9), showlegend=False,
                             error_x=dict(type="data", symmetric=False, array=high - mean, arrayminus=mean - low)),
                  row=1, col=1)
    fig.add_trace(go.Bar(x=robust["satisficing_share"] * 100, y=order, orientation="h", marker_color="#2ca02c",
                         showlegend=False, text=[f"{v:.0%}" for v in robust["satisficing_share"]],
                         textposition="outside"), row=1, col=2)
    for policy, label in zip(robust["policy"], order):
        fig.add_trace(go.Box(x=reg[policy] * s, name=label, orientation="h", marker_color="#ff7f0e",
                             boxpoints="outliers", showlegend=False), row=1, col=3)
    fig.add_vline(x=0, line=dict(color="#999999", dash="dot"), row=1, col=1)
    fig.update_xaxes(title_text="%", range=[0, 110], row=1, col=2)
    for c in (1, 2, 3):
        fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], row=1, col=c,
                         showticklabels=c == 1)
    fig.update_layout(title="Robust ranking (top: minimax regret) beside the comparison at the scenario's values",
                      template="plotly_white", height=120 + 45 * len(order))
    return fig


def effects_figure(eff: dict[str, pd.DataFrame], thresholds: dict[str, float]) -> go.Figure:
    """Each policy's effect over the sampled scenarios, per discovery outcome, with the threshold of success."""
    names = list(eff)
    fig = make_subplots(rows=1, cols=len(names), horizontal_spacing=0.08,
                        subplot_titles=[f"{outcome(n).label} ({outcome(n).effect_unit})" for n in names])
    for c, name in enumerate(names, start=1):
        s = outcome(name).scale
        for i, policy in enumerate(eff[name].columns):
            fig.add_trace(go.Box(x=eff[name][policy] * s, name=discovery.policy_label(policy), orientation="h",
                                 showlegend=False,
                                 marker_color=COLOURS[(i + 1) % len(COLOURS)], boxpoints="outliers"), row=1, col=c)
        fig.add_vline(x=-thresholds[name] * s, line=dict(color="#d62728", dash="dash"), row=1, col=c)
        fig.add_vline(x=0, line=dict(color="#999999", dash="dot"), row=1, col=c)
        fig.update_yaxes(showticklabels=c == 1, row=1, col=c)
    fig.update_layout(title="Each policy's paired effect in every sampled scenario (red: the threshold of success)",
                      template="plotly_white", height=120 + 50 * len(next(iter(eff.values())).columns))
    return fig


def area_figure(areas: pd.DataFrame, key: str) -> go.Figure:
    """Share of the sampled scenarios in which each policy cuts the outcome in each area by more than the
    threshold (a heat map: areas down, policies across)."""
    table = areas.pivot(index=key, columns="policy", values="success_share")
    if key == "kecamatan":   # north to south, as on a map; Brebes Selatan (the proposed new regency) marked
        from sim.core.geography import KECAMATAN

        south = {k.name: k.south for k in KECAMATAN}
        order = [k.name for k in sorted(KECAMATAN, key=lambda k: -k.lat) if k.name in table.index]
        table = table.reindex(order + [k for k in table.index if k not in order])
        rows = [f"{name} (Brebes Selatan)" if south.get(name) else name for name in table.index]
    else:
        rows = list(table.index)
    decl = outcome(areas["outcome"].iloc[0])
    threshold = discovery.amount(decl.name, areas["threshold"].iloc[0])
    fig = go.Figure(go.Heatmap(z=table.to_numpy() * 100, x=[discovery.policy_label(p) for p in table.columns],
                               y=rows, colorscale="Greens", zmin=0, zmax=100, colorbar=dict(title="% of scenarios"),
                               text=[[f"{v:.0%}" for v in row] for row in table.to_numpy()], texttemplate="%{text}"))
    fig.update_yaxes(autorange="reversed")   # the first area at the top
    fig.update_layout(title=f"Share of scenarios in which each policy cuts {decl.label} in a {key} by more than "
                            f"{threshold}", template="plotly_white", height=140 + 28 * len(table))
    return fig


def _robust_table(robust: pd.DataFrame) -> pd.DataFrame:
    decl = outcome(robust["outcome"].iloc[0])
    unit = decl.effect_unit
    target = discovery.amount(decl.name, robust["satisficing_target"].iloc[0])
    return pd.DataFrame({
        "policy": robust["policy"].map(discovery.policy_label), "minimax rank": robust["minimax_rank"],
        f"at defaults ({unit})": [decl.format_effect(m, (h - lo) / 2, unit=False) for m, lo, h in zip(
            robust["at_defaults_effect"], robust["at_defaults_ci95_low"], robust["at_defaults_ci95_high"])],
        f"median effect ({unit})": robust["median_effect"].map(lambda v: decl.format_effect(v, unit=False)
                                                               .replace(" (no CI)", "")),
        f"satisficing (cut ≥ {target})": robust["satisficing_share"].map(lambda v: f"{v:.0%}"),
        f"max regret ({unit})": robust["max_regret"].map(lambda v: decl.format(v, unit=False)),
        f"90th pct regret ({unit})": robust["p90_regret"].map(lambda v: decl.format(v, unit=False)),
        "best in": robust["best_share"].map(lambda v: f"{v:.0%}")})


def _labels(names: str) -> str:
    """A comma-separated list of parameter names as their plain labels."""
    from sim.params.registry import PARAMS

    if not isinstance(names, str) or not names or names == "none":
        return names if isinstance(names, str) else ""
    return ", ".join(PARAMS[n].label_en if n in PARAMS else n for n in names.split(", "))


def _boxes_html(boxes: pd.DataFrame) -> str:
    shown = pd.DataFrame({
        "policy": boxes["policy"].map(discovery.policy_label),
        "outcome": boxes["outcome"].map(lambda n: outcome(n).label),
        "succeeds in": boxes["success_share"].map(lambda v: f"{v:.0%}"),
        "coverage": boxes["coverage"].map(lambda v: "–" if v != v else f"{v:.0%}"),
        "density": boxes["density"].map(lambda v: "–" if v != v else f"{v:.0%}"),
        "mass": boxes["mass"].map(lambda v: "–" if v != v else f"{v:.0%}"),
        "significant restrictions (range in the box; default, plausible range; quasi-p)":
            boxes["significant_restrictions"],
        "CART: coverage / density": [("–" if c != c else f"{c:.0%} / {d:.0%}")
                                     for c, d in zip(boxes["cart_coverage"], boxes["cart_density"])],
        "CART restricts": boxes["cart_restricted"].map(_labels),
        "both name": boxes["prim_and_cart_agree_on"].map(_labels)})
    return shown.to_html(index=False, escape=True, border=0, classes="numbers", na_rep="–")


def small_village_note(areas: pd.DataFrame) -> str:
    """A warning when the villages are too small for effects per area to say anything (empty otherwise)."""
    per = float(areas["households_per_village"].mean()) if "households_per_village" in areas else float("nan")
    if not per == per or per >= discovery.SMALL_VILLAGE_HOUSEHOLDS:
        return ""
    return (f"Warning: the villages have about {per:.0f} households each (the regency's have about 1,900): at "
            f"this size effects per kecamatan are mostly seed noise; compare each share with its by-chance share, "
            f"and run at least {discovery.SMALL_VILLAGE_HOUSEHOLDS} households a village (n_households "
            f"{REGENCY_VILLAGES * discovery.SMALL_VILLAGE_HOUSEHOLDS:,} or more) before reading them.")


def section(path: Path, spec: ExplorationExperiment, runs: pd.DataFrame) -> Section:
    """Everything an exploration's report shows, from its saved tables."""
    found = discovery.discover(spec, runs)
    boxes = discovery.boxes_table(found, spec.prim.significance)
    robust = discovery.robustness(spec, runs)
    reg = discovery.regret(spec, runs, spec.robustness.outcome)
    x = discovery.uncertainties(spec, runs)
    eff = {q.outcome: discovery.effects(spec, runs, q.outcome) for q in spec.discovery}
    long = pd.concat([e.add_prefix(f"{name}:") for name, e in eff.items()], axis=1).join(x)
    tables = {"prim_boxes": boxes, "robustness": robust, "exploration_effects": long.reset_index()}
    figures = {"robustness": robustness_figure(robust, reg),
               "exploration_effects": effects_figure(eff, {q.outcome: q.threshold for q in spec.discovery})}
    for q in spec.discovery:
        figures[f"peeling_{q.outcome}"] = peeling_figure(found, q.outcome)
    sentences = list(boxes["sentence"])
    ranking = discovery.ranking_sentence(robust, discovery.seed_noise(spec, runs, spec.robustness.outcome))
    parts = [f"<p>{html.escape(ranking)}</p>",
             "<h2>When does each policy work? (PRIM, EMA Workbench)</h2><ul>"
             + "".join(f"<li>{html.escape(s)}</li>" for s in sentences) + "</ul>",
             f"<p>{len(x)} scenarios of a Latin hypercube over {x.shape[1]} uncertainties, each run under every "
             f"policy with the same seed ({spec.replicates} replicate{'s' if spec.replicates > 1 else ''} each). "
             "Coverage: the share of all the scenarios where the policy works that lie in the box; density: the "
             "share of the box's scenarios where it works; mass: the box's share of all scenarios. Quasi-p: EMA "
             "Workbench's binomial test of each restriction (small: the restriction matters). CART's densest leaf "
             "of at least PRIM's minimum mass is the cross-check; 'both name' lists the uncertainties that PRIM's "
             "significant restrictions and CART's splits share.</p>",
             "<h2>PRIM boxes and CART cross-check</h2>" + _boxes_html(boxes)]
    lines = ["", ranking, "", "When does each policy work? (PRIM boxes: prim_boxes.csv)",
             *[f"- {s}" for s in sentences]]
    if (path / "kecamatan.parquet").is_file():
        kec = pd.read_parquet(path / "kecamatan.parquet")
        areas = discovery.area_discovery(spec, kec, runs, "kecamatan")
        tables["kecamatan_discovery"] = areas
        figures["kecamatan_discovery"] = area_figure(areas, "kecamatan")
        gains = areas[areas["success_share"] >= discovery.RARE].sort_values("success_share", ascending=False)
        reached = gains[gains["reached"]]
        unreached = gains[~gains["reached"]]
        small = small_village_note(areas)
        parts.append("<h2>Which kecamatan gains, under which assumptions?</h2>"
                     + (f"<p><b>{html.escape(small)}</b></p>" if small else "") + "<ul>"
                     + "".join(f"<li>{html.escape(s)}</li>" for s in reached["sentence"]) + "</ul>"
                     + (f"<p>In the other kecamatan, no policy cuts {outcome(spec.discovery[0].outcome).label} "
                        "by more than the threshold in 5% of the scenarios.</p>" if len(gains) < len(areas) else "")
                     + ("<p>Where a policy cannot act (a placebo: what seed noise alone shows):</p><ul>"
                        + "".join(f"<li>{html.escape(s)}</li>" for s in unreached["sentence"]) + "</ul>"
                        if len(unreached) else ""))
        lines += ["", "Which kecamatan gains? (kecamatan_discovery.csv)", *([small] if small else []),
                  *[f"- {s}" for s in reached["sentence"]],
                  *([" where a policy cannot act (seed noise alone):"] if len(unreached) else []),
                  *[f"- {s}" for s in unreached["sentence"]]]
    decl = outcome(spec.robustness.outcome)
    title = (f"{spec.name}: robust ranking on the {decl.label} over {len(x)} scenarios (minimax regret first), "
             f"beside the effect at the scenario's values ({spec.defaults_replicates} paired replicates, 95% CI)")
    return Section({**tables, "summary": robust}, _robust_table(robust), title, figures, "".join(parts), lines=lines)
