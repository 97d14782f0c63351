"""The drivers experiment: each driver of clientelism moved over its values against one baseline, paired by seed.

Designs (the baseline once per replicate, one row per other value, common random numbers), a value equal to the
baseline's reusing the baseline, a small run end to end with its report, the range effect recomputed by hand from
runs.parquet, resume and rerun. Malformed drivers files are in tests/corpus/ (test_corpus.py)."""

import html as html_text
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import small_experiment
from scipy import stats

from sim.experiments import analysis, budget
from sim.experiments import design as designs
from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import load_folder, run_experiment
from sim.experiments.spec import from_mapping
from sim.params.registry import PARAMS
from sim.params.scenarios import resolve_params

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "experiment" / "drivers.yaml"
SMALL = ["experiment=drivers", "replicates=2", "steps=60", "n_households=200", "spinup_weeks=52"]
HEADLINE = ("paid_dependence_share", "patron_lockin_share", "unmet_share", "access_gap_literacy",
            "access_gap_distance", "access_gap_income")


def tiny(drivers, replicates=3, **extra):
    return from_mapping({"name": "t", "kind": "drivers", "replicates": replicates, "steps": 60,
                         "constants": {"n_households": 200, "spinup_weeks": 52, **extra.pop("constants", {})},
                         "drivers": drivers, **extra})


# ------------------------------------------------------------------ designs
def test_the_design_has_the_baseline_once_per_replicate_and_a_row_per_other_value():
    spec = tiny([{"name": "deviation from duties (tupoksi)", "parameter": "fee_seeking_mean",
                  "values": [0.3, 0.45, 0.6, 0.8]},
                 {"name": "distance", "key": "dist", "parameter": "dist_regency_km", "values": [10, 130]}])
    design = designs.initial(spec, 7)
    designs.validate(spec, design)
    base = design[design["driver"] == "baseline"]
    assert sorted(base["replicate"]) == [0, 1, 2]                       # once per replicate
    assert (base["parameter"] == "").all() and base["value"].isna().all()
    assert base[["fee_seeking_mean", "dist_regency_km"]].isna().all().all()   # the scenario's values
    fee = design[design["driver"] == "deviation_from_duties_tupoksi"]
    default = PARAMS["fee_seeking_mean"].default                       # the baseline's value: no rows of its own
    assert sorted(fee["value"].unique()) == sorted({0.3, 0.45, 0.6, 0.8} - {default})
    assert (fee.groupby("value").size() == 3).all()
    assert (fee["fee_seeking_mean"] == fee["value"]).all() and fee["dist_regency_km"].isna().all()
    dist = design[design["driver"] == "dist"]
    assert sorted(dist["value"].unique()) == [10.0, 130.0] and (dist["parameter"] == "dist_regency_km").all()
    assert len(design) == 3 * (1 + 3 + 2) == budget.count_runs(spec)   # one of the four values is the default
    assert list(design["run_id"]) == list(range(len(design)))
    # Common random numbers: replicate r has one seed in all its rows, a different one from the other replicates.
    seeds = design.groupby("replicate")["seed"].agg(["nunique", "first"])
    assert (seeds["nunique"] == 1).all()
    assert list(seeds["first"]) == designs.replicate_seeds(7, 3) == list(designs.initial(
        from_mapping({"name": "c", "kind": "comparison", "policies": ["pemekaran"], "replicates": 3}), 7)
        .query("policy == 'none'")["seed"])


def test_a_value_equal_to_the_baseline_reuses_the_baseline_runs():
    # The baseline is the scenario's values with the experiment's constants: a constant moves it.
    spec = tiny([{"name": "digital literacy", "parameter": "literacy_mean", "values": [0.2, 0.45]}],
                replicates=2, constants={"literacy_mean": 0.45})
    design = designs.initial(spec, 0)
    assert list(design["driver"]) == ["baseline", "baseline", "digital_literacy", "digital_literacy"]
    assert list(design["value"].iloc[2:]) == [0.2, 0.2]
    # Its analysis takes the baseline runs for 0.45 (a zero effect, by construction) and runs nothing more.
    runs = pd.DataFrame({"driver": ["baseline", "baseline", "digital_literacy", "digital_literacy"],
                         "replicate": [0, 1, 0, 1], "seed": [11, 12, 11, 12], "value": [np.nan, np.nan, 0.2, 0.2],
                         "literacy_mean": [0.45, 0.45, 0.2, 0.2], "paid_dependence_share": [0.8, 0.7, 0.9, 0.85]})
    eff = analysis.driver_effects(spec, runs, ["paid_dependence_share"]).set_index("value")
    assert bool(eff.loc[0.45, "is_baseline"]) and eff.loc[0.45, "effect"] == 0.0
    assert eff.loc[0.45, "mean"] == pytest.approx(0.75) and eff.loc[0.2, "effect"] == pytest.approx(0.125)
    rng = analysis.driver_ranges(spec, runs, ["paid_dependence_share"]).iloc[0]
    assert (rng["low"], rng["high"]) == (0.2, 0.45) and rng["effect"] == pytest.approx(-0.125)
    unpaired = runs.assign(seed=[11, 12, 11, 99])
    with pytest.raises(ValueError, match="paired"):
        analysis.driver_effects(spec, unpaired, ["paid_dependence_share"])


@pytest.mark.parametrize("master_seed", [0, 3])
def test_the_shipped_drivers_file_gives_a_valid_design_in_every_row(master_seed):
    _, spec, _ = prepare(["experiment=drivers"])
    assert spec.kind == "drivers" and spec.replicates == 20 and spec.steps == 520
    listed = yaml.safe_load(SHIPPED.read_text())["drivers"]
    assert [d.parameter for d in spec.drivers] == [d["parameter"] for d in listed]
    design = designs.initial(spec, master_seed)
    designs.validate(spec, design)
    base = resolve_params("bangbayang", "none", {})
    others = sum(v != base[d["parameter"]] for d in listed for v in d["values"])
    assert len(design) == 20 * (1 + others) == budget.count_runs(spec)
    for row in design.to_dict("records"):      # every row resolves to a whole, valid run of the scenario
        values = {k: v for k, v in row.items() if k in PARAMS and v == v}
        resolve_params(spec.scenario, "none", {**spec.shared_constants(), **values})
    assert (design.groupby("replicate")["seed"].nunique() == 1).all()


# ------------------------------------------------------------------ end to end
@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return small_experiment(SMALL, tmp_path_factory.mktemp("drivers"), executor="serial")


def test_a_small_drivers_experiment_writes_its_tables_and_report(folder, capsys):
    from sim.experiments.report import build

    runs = pd.read_parquet(folder / "runs.parquet")
    design = pd.read_parquet(folder / "design.parquet")
    listed = yaml.safe_load(SHIPPED.read_text())["drivers"]
    base = resolve_params("bangbayang", "none", {})
    per_replicate = 1 + sum(v != base[d["parameter"]] for d in listed for v in d["values"])
    assert len(runs) == len(design) == 2 * per_replicate and list(runs["run_id"]) == list(design["run_id"])
    assert {"driver", "parameter", "value", "replicate", "seed"} <= set(runs.columns)
    moved = runs[runs["driver"] != "baseline"]
    assert all(row[row["parameter"]] == row["value"] for row in moved.to_dict("records"))   # the value was run
    assert (runs["n_households"] == 200).all()
    capsys.readouterr()
    report = build(folder, write_images=False)
    out = capsys.readouterr().out
    assert "Each driver's effect (lowest → highest value, paired over 2 seeds, 95% CI)" in out
    assert "paid dependence (pp)" in out and "literacy access gap (index pts)" in out
    assert "birth-certificate coverage (pp)" in out
    html = report.read_text()
    assert html_text.escape("Each driver's effect (lowest → highest value, paired over 2 seeds, 95% CI)") in html
    assert "<table" in html and "plotly" in html.lower() and "deviation from duties (tupoksi)" in html
    assert "<script src=" not in html                                   # self-contained
    ranges = pd.read_csv(folder / "drivers_range.csv")
    assert set(ranges["outcome"]) >= set(HEADLINE) and ranges["driver"].nunique() == len(listed)
    summary = pd.read_csv(folder / "summary.csv")
    at_base = summary[summary["is_baseline"]]
    assert len(at_base) and (at_base["effect"] == 0).all()


def _at(runs, parameter, value, held):
    """The runs where ``parameter`` has ``value`` and every other driver's parameter its baseline value (``held``),
    read from each run's own parameters (not from the design's labels), indexed by seed."""
    keep = (runs[parameter] == value) & np.logical_and.reduce([runs[q] == v for q, v in held.items()])
    return runs[keep].set_index("seed").sort_index()


def test_the_range_effect_is_the_mean_paired_difference_computed_by_hand(folder):
    runs = pd.read_parquet(folder / "runs.parquet")
    listed = yaml.safe_load(SHIPPED.read_text())["drivers"]
    base = runs[runs["driver"] == "baseline"].iloc[0]
    ranges = pd.read_csv(folder / "drivers_range.csv").set_index(["parameter", "outcome"])
    for d in listed:
        p = d["parameter"]
        held = [o["parameter"] for o in listed if o["parameter"] != p]
        low, high = (_at(runs, p, v, {q: base[q] for q in held}) for v in (min(d["values"]), max(d["values"])))
        assert list(low.index) == list(high.index) and len(low) == 2       # two seeds, both at both ends
        for name in HEADLINE:
            diff = (high[name] - low[name]).to_numpy()
            half = stats.t.ppf(0.975, diff.size - 1) * diff.std(ddof=1) / np.sqrt(diff.size)
            row = ranges.loc[(p, name)]
            assert row["effect"] == pytest.approx(diff.mean(), abs=1e-12), (p, name)
            assert row["ci95_low"] == pytest.approx(diff.mean() - half, abs=1e-12)
            assert row["ci95_high"] == pytest.approx(diff.mean() + half, abs=1e-12)
            assert (row["low"], row["high"]) == (min(d["values"]), max(d["values"]))


def test_the_table_shows_each_range_effect_with_its_ci_in_the_declared_unit(folder):
    from sim.experiments.kinds.drivers import ranges_table

    _, spec, _ = load_folder(folder)
    ranges = analysis.driver_ranges(spec, pd.read_parquet(folder / "runs.parquet"))
    table = ranges_table(ranges).set_index("driver")
    assert list(table.index) == [d.name for d in spec.drivers]
    assert list(table.columns) == ["moved (lowest → highest)", "paid dependence (pp)", "brokered share (pp)",
                                   "patron lock-in (pp)", "birth-certificate coverage (pp)",
                                   "literacy document-coverage gap (pp)", "literacy access gap (index pts)"]
    assert table.loc["distance to the regency seat", "moved (lowest → highest)"] == "dist_regency_km: 10 → 130 (km)"
    cells = ranges.set_index(["parameter", "outcome"])
    for driver, parameter, column, name, scale, decimals in (
            ("digital literacy", "literacy_mean", "paid dependence (pp)", "paid_dependence_share", 100, 1),
            ("deviation from duties (tupoksi)", "fee_seeking_mean", "patron lock-in (pp)", "patron_lockin_share",
             100, 1),
            ("distance to the regency seat", "dist_regency_km", "literacy access gap (index pts)",
             "access_gap_literacy", 1, 3)):
        cell = table.loc[driver, column]                              # "+3.1 (2.4 … 3.8)"
        match = re.fullmatch(r"([+-]?[\d.]+) \((-?[\d.]+) … (-?[\d.]+)\)", cell)
        assert match, cell
        assert all(len(g.split(".")[1]) == decimals for g in match.groups())
        e = cells.loc[(parameter, name)]
        for shown, value in zip(match.groups(), (e["effect"], e["ci95_low"], e["ci95_high"])):
            assert float(shown) == pytest.approx(scale * value, abs=0.51 * 10 ** -decimals), (cell, value)


def test_the_figure_has_a_panel_per_driver_with_honest_axes_and_the_baseline_marked(folder):
    from sim.experiments import report as r

    _, spec, _ = load_folder(folder)
    effects = analysis.driver_effects(spec, pd.read_parquet(folder / "runs.parquet"))
    fig = r.drivers_figure(effects).to_dict()
    layout = fig["layout"]
    titles = [a["text"] for a in layout["annotations"]]
    assert titles == [d.name for d in spec.drivers]                      # one panel per driver
    xaxes = [k for k in layout if k.startswith("xaxis")]
    assert len(xaxes) >= len(spec.drivers)
    panels = sorted(xaxes, key=lambda k: int(k[5:] or 1))[:len(spec.drivers)]    # the grid's last may be empty
    xtitles = [layout[k]["title"]["text"] for k in panels]
    assert xtitles == [f"{d.parameter} ({PARAMS[d.parameter].unit})" for d in spec.drivers]
    yaxes = [layout[k] for k in layout if k.startswith("yaxis")]
    assert all(y["range"][0] == 0 and 0 < y["range"][1] <= 100 for y in yaxes)   # from zero, one scale, <= 100%
    assert len({tuple(y["range"]) for y in yaxes}) == 1
    assert layout["yaxis"]["title"]["text"] == "paid dependence / patron lock-in (%)"
    defaults = resolve_params("bangbayang", "none", {})
    assert sorted(s["x0"] for s in layout["shapes"]) == sorted(defaults[d.parameter] for d in spec.drivers)
    bands = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(bands) == 2 * len(spec.drivers) and all(t["mode"] == "lines" for t in bands)
    marks = [t for t in fig["data"] if t.get("marker", {}).get("symbol") == "diamond-open"]
    assert sorted(float(t["x"][0]) for t in marks if len(t["x"])) == sorted(
        2 * [defaults[d.parameter] for d in spec.drivers])               # paid dependence and lock-in, each driver
    paid = effects[(effects["driver"] == spec.drivers[0].id) & (effects["outcome"] == "paid_dependence_share")]
    line = next(t for t in fig["data"] if t.get("name", "").startswith("paid dependence") and t.get("mode") ==
                "lines+markers")
    assert list(line["x"]) == sorted(spec.drivers[0].values)
    assert np.allclose(line["y"], 100 * paid.sort_values("value")["mean"])


def test_resume_and_rerun_give_the_same_design_and_tables(folder, tmp_path):
    import json
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    for f in sorted((copy / "runs").glob("run_*.parquet"))[5:12]:     # as if killed before these finished
        f.unlink()
    (copy / "runs.parquet").unlink()
    run_experiment(None, 0, RunSettings("serial", progress=False), resume=copy)
    for name in ("runs.parquet", "timeseries.parquet", "design.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(folder / name), pd.read_parquet(copy / name), check_exact=True)
    # rerun= runs the design generated again from experiment.json and the master seed: the same rows.
    _, spec, manifest = load_folder(folder)
    assert json.loads((folder / "experiment.json").read_text())["drivers"][0]["parameter"] == "fee_seeking_mean"
    pd.testing.assert_frame_equal(designs.initial(spec, manifest["master_seed"]),
                                  pd.read_parquet(folder / "design.parquet"), check_dtype=False)


def test_serial_and_processes_give_identical_tables(tmp_path):
    args = ["experiment=drivers", "replicates=2", "steps=20", "n_households=100", "spinup_weeks=10"]
    _, spec, _ = prepare(args)
    spec = spec.model_copy(update={"drivers": spec.drivers[3:4]})      # distance: 10, 40 and 130 km against 74
    a = run_experiment(spec, 2, RunSettings("serial", results_dir=tmp_path / "a", progress=False))
    b = run_experiment(spec, 2, RunSettings("processes", workers=2, results_dir=tmp_path / "b", progress=False))
    for name in ("runs.parquet", "timeseries.parquet", "design.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name), check_exact=True)
    assert len(pd.read_parquet(a / "runs.parquet")) == 2 * 4
