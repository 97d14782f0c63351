"""``kind: comparison``: policies (lever settings) against a baseline, replicated with common random numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from sim.core.outcomes import outcome
from sim.experiments import analysis
from sim.experiments.design import numbered, replicate_seeds
from sim.experiments.kinds.base import Experiment, Kind, Section
from sim.experiments.kinds.shared import UNITS_CAPTION, Arm, Arms, Baseline, Policies, arm_notes, check_arms


class ComparisonExperiment(Arms, Experiment):
    """Each policy against the baseline, every arm in every replicate with the same seeds."""

    kind: Literal["comparison"]
    baseline: Baseline = Arm(name="none", policy="none")
    policies: Policies = Field(default_factory=list)

    required = "policies"
    called = "a comparison"


class Comparison(Kind):
    """Paired effects of each policy against the baseline, overall, by quartile and (several villages) by area."""

    spec = ComparisonExperiment

    def check(self, spec: ComparisonExperiment) -> None:
        """The arms (see ``check_arms``)."""
        check_arms(spec)

    def notes(self, spec: ComparisonExperiment) -> list[str]:
        """Policies that act for only part of the measured window; lever constants that reach some arms only."""
        return arm_notes(spec)

    def design(self, spec: ComparisonExperiment, master_seed: int) -> pd.DataFrame:
        """Every arm (the baseline first) times every replicate; replicate r has the same seed in every arm.

        ``policy`` is the arm's name, ``levers`` the policy it runs; an arm's own lever settings (its ``set``,
        and the experiment's lever constants for the levers it switches on) are columns of its rows.
        """
        seeds = replicate_seeds(master_seed, spec.replicates)
        rows = [{"policy": arm.name, "levers": arm.policy, "replicate": r, "seed": seeds[r],
                 **spec.arm_settings(arm)} for arm in spec.arms for r in range(spec.replicates)]
        return numbered(rows)

    def count_runs(self, spec: ComparisonExperiment) -> int:
        """Every arm in every replicate."""
        return len(spec.arms) * spec.replicates

    def design_columns(self, spec: ComparisonExperiment) -> int:
        """Ids, seed and the settings of the arm with the most."""
        return 6 + max((len(spec.arm_settings(a)) for a in spec.arms), default=0)

    def report(self, folder: Path, spec: ComparisonExperiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """Trajectories, paired effects (overall and by quartile) and, for several villages, maps and effects by
        kecamatan; the table: each outcome's effect per policy."""
        from sim.experiments import report as figures

        policies = [spec.baseline.name, *spec.policy_names]
        series = pd.read_parquet(folder / "timeseries.parquet")
        effects = analysis.paired_effects(runs, spec.baseline.name)
        qeff = analysis.quartile_effects(runs, spec.baseline.name)
        shown = {"trajectories": figures.trajectories(runs, series, policies,
                                                      figures.policy_start_week(runs, spec.policy_names)),
                 "effects": figures.effects_figure(effects, spec.policy_names),
                 "quartiles_paid": figures.quartile_figure(qeff, spec.policy_names, "paid_dependence_share"),
                 "quartiles_shortfall": figures.quartile_figure(qeff, spec.policy_names, "shortfall")}
        tables = {"summary": effects}
        camps = analysis.camp_effects(runs, spec.baseline.name)
        html_parts = ""
        if len(camps):
            tables["camp_effects"] = camps
            html_parts = camp_effects_html(camps)
        if (folder / "villages.parquet").is_file():
            villages = pd.read_parquet(folder / "villages.parquet")
            kecamatan = pd.read_parquet(folder / "kecamatan.parquet")
            kec_effects = analysis.area_effects(kecamatan, spec.baseline.name, "kecamatan")
            shown["villages_lockin"] = figures.village_map(villages, policies, "patron_lockin_share")
            shown["villages_lockin_change"] = figures.village_change_map(villages, spec.baseline.name,
                                                                         spec.policy_names)
            shown["villages_paid"] = figures.village_map(villages, policies, "paid_dependence_share")
            shown["kecamatan_effects"] = figures.kecamatan_effects_figure(kec_effects)
            tables["kecamatan_summary"] = figures.kecamatan_summary(kecamatan)
            tables["kecamatan_effects"] = kec_effects
        replicates = int(effects["replicates"].min()) if len(effects) else 0
        title = (f"{spec.name}: paired effects against '{spec.baseline.name}' in the final year, mean ± "
                 f"half-width of the 95% CI over {replicates} paired replicates")
        return Section(tables, effects_table(effects), title, shown, html=html_parts, caption=UNITS_CAPTION)


def camp_effects_html(camps: pd.DataFrame) -> str:
    """The per-camp effects as a table of the report: one row per camp and measure, one column per policy."""
    import html as html_escape

    from sim.core.outcomes import CAMPS, outcome

    labels = {"head": "the village head's camp", "opposition": "the opposition", "neutral": "the unaligned"}
    policies = list(dict.fromkeys(camps["policy"]))
    cells = camps.set_index(["outcome", "policy"])
    rows = []
    for measure in dict.fromkeys(camps["measure"]):
        for camp in CAMPS:
            name = f"{measure}_camp_{camp}"
            if name not in cells.index.get_level_values(0):
                continue
            declared = outcome(name)
            row = {"camp": labels[camp], "outcome (effect unit)": declared.header}
            for policy in policies:
                e = cells.loc[(name, policy)]
                half = (e["ci95_high"] - e["ci95_low"]) / 2
                row[policy] = declared.format_effect(e["effect"], half, unit=False)
            rows.append(row)
    table = pd.DataFrame(rows).to_html(index=False, escape=True, border=0, classes="numbers", na_rep="–")
    return ("<h2>Per political camp, since the last village-head election</h2><p>"
            + html_escape.escape("Paired effects for the households of each camp as it stood when their needs were "
                                 "completed (docs/outcomes.md, per-camp columns); a camp with few households has "
                                 "wide intervals.") + "</p>" + table)


def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome (its unit beside its name), one column per policy: 'effect ± half-width of the 95% CI'.

    Outcomes run down the table so that seven policies still fit a terminal."""
    from sim.experiments.report import EFFECT_OUTCOMES

    names = [o for o in EFFECT_OUTCOMES if o in set(effects["outcome"])]
    policies = list(dict.fromkeys(effects["policy"]))
    cells = effects.set_index(["outcome", "policy"])
    rows = []
    for name in names:
        declared = outcome(name)
        row = {"outcome (effect unit)": declared.header}
        for policy in policies:
            e = cells.loc[(name, policy)]
            half = (e["ci95_high"] - e["ci95_low"]) / 2
            row[policy] = declared.format_effect(e["effect"], half, unit=False)
        rows.append(row)
    return pd.DataFrame(rows)
