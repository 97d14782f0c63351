"""Open exploration (kind: exploration): its design, scenario discovery with EMA Workbench's PRIM and CART, the
robust ranking, the report, and its runs on every executor."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import same_tables

from sim.errors import ConfigError
from sim.experiments import design, discovery
from sim.experiments.spec import from_mapping
from sim.params.registry import PARAMS

NAMES = ["literacy_mean", "fee_seeking_mean", "complexity_multiplier"]


def spec_of(**changes):
    data = {"name": "x", "kind": "exploration", "scenario": "bangbayang", "policies": ["pemekaran",
            "digital_training"], "uncertainties": NAMES, "samples": 200, "replicates": 1, "defaults_replicates": 3}
    data.update(changes)
    return from_mapping(data)


# ---------------------------------------------------------------- specification
@pytest.mark.parametrize("changes, words", [
    ({"policies": []}, "needs 'policies'"),
    ({"discovery": [{"outcome": "paid_dependense_share", "threshold": 0.02}]}, "unknown outcome"),
    ({"discovery": [{"outcome": "online_share", "threshold": 0.02}]}, "lower is better"),
    ({"discovery": [{"outcome": "unmet_share"}, {"outcome": "unmet_share"}]}, "each outcome once"),
    ({"discovery": [{"outcome": "unmet_share", "threshold": -0.1}]}, "greater than 0"),
    ({"robustness": {"outcome": "mean_literacy", "target": 0.03}}, "lower is better"),
    ({"samples": 40}, "at least 100 with prim.mass_min 0.05"),
    ({"prim": {"densty": 0.5}}, "did you mean 'density'"),
    ({"drivers": [{"name": "a", "parameter": "literacy_mean", "values": [0.2, 0.3]}]}, "belongs to another kind"),
    ({"constants": {"literacy_mean": 0.3}}, "an uncertainty the constants do not fix"),
    ({"uncertainties": ["dist_regency_km"]}, "(this is a constant)"),
    ({"uncertainties": []}, "a list of at least one uncertainty"),
    ({"uncertainties": ["literacy_mean", "fee_seeking_mean", "literacy_mean"]}, "literacy_mean is listed 2 times"),
    ({"discovery": [{"threshold": 2}]}, "2 would be 200 pp"),
    ({"discovery": [{"outcome": "access_gap_literacy", "threshold": 1.0}]}, "index points"),
    ({"robustness": {"target": 3}}, "robustness: target=3"),
])
def test_bad_exploration_files_are_refused_with_one_message(changes, words):
    with pytest.raises(ConfigError) as exc:
        spec_of(**changes)
    assert words in str(exc.value)


def test_cuts_in_rupiah_are_not_bounded_by_one():
    spec = spec_of(discovery=[{"outcome": "fees_per_household_rupiah", "threshold": 5000}])
    assert spec.discovery[0].threshold == 5000


def test_all_uncertainties_leave_out_those_the_constants_fix():
    spec = spec_of(uncertainties="all", constants={"literacy_mean": 0.3})
    names = spec.uncertainty_names()
    assert "literacy_mean" not in names and "fee_seeking_mean" in names
    assert len(names) == sum(p.role == "uncertainty" for p in PARAMS.values()) - 1


# ---------------------------------------------------------------- design
def test_design_pairs_every_arm_of_a_scenario_and_samples_a_latin_hypercube():
    spec = spec_of(samples=120, replicates=2)
    d = design.initial(spec, 7)
    design.validate(spec, d)
    arms = ["none", "pemekaran", "digital_training"]
    assert len(d) == len(arms) * (120 * 2 + 3) and list(d["run_id"]) == list(range(len(d)))
    # every arm of a (sample, replicate) has the same seed and the same sampled values
    by = d.groupby(["sample", "replicate"])
    assert (by["seed"].nunique() == 1).all() and (by["policy"].nunique() == len(arms)).all()
    assert (by[NAMES].nunique(dropna=False) <= 1).all().all()
    seeds = d.drop_duplicates(["sample", "replicate"])["seed"]
    assert seeds.is_unique                       # no two scenarios or replicates share a seed
    # the runs at the defaults have the seeds a comparison with the same master seed gives its replicates
    at_defaults = d[(d["sample"] == -1) & (d["policy"] == "none")]
    assert list(at_defaults["seed"]) == design.replicate_seeds(7, 3)
    assert at_defaults[NAMES].isna().all().all()
    # a Latin hypercube: each of 120 equal slices of every range holds exactly one sample
    points = d[(d["sample"] >= 0) & (d["policy"] == "none") & (d["replicate"] == 0)]
    for name in NAMES:
        lo, hi = PARAMS[name].sweep_range
        slices = np.floor((points[name].to_numpy() - lo) / (hi - lo) * 120).astype(int)
        assert sorted(np.minimum(slices, 119)) == list(range(120)), name
    # reproducible from the master seed, and another master seed gives other points
    pd.testing.assert_frame_equal(d, design.initial(spec, 7))
    other = design.initial(spec, 8)
    other = other[(other["sample"] >= 0) & (other["policy"] == "none") & (other["replicate"] == 0)]
    assert not np.isclose(other[NAMES].to_numpy(), points[NAMES].to_numpy()).any(axis=1).all()


# ---------------------------------------------------------------- discovery on known answers
def synthetic_runs(spec, effect_of, seed=0, noise=0.002):
    """Runs of ``spec``'s design whose paid dependence is 0.8 plus the seed's noise under no policy, and that plus
    effect_of(policy, x) under a policy, x being the sample's values (a seed's runs share its noise)."""
    rng = np.random.default_rng(seed)
    d = design.initial(spec, seed)
    base_of = {s: 0.8 + rng.normal(0, noise) for s in d["seed"].unique()}   # what a seed's run would give
    level = []
    for row in d.to_dict("records"):
        x = {n: row[n] for n in NAMES}
        base = base_of[row["seed"]]
        level.append(base if row["policy"] == "none" else base + effect_of(row["policy"], x))
    return d.assign(paid_dependence_share=level, patron_lockin_share=level, access_gap_literacy=level)


def effect_of(policy, x):
    if x["literacy_mean"] != x["literacy_mean"]:      # the runs at the defaults
        return -0.01
    if policy == "pemekaran":   # works (-5 pp) where literacy is low and complexity high, nowhere else
        return -0.05 if x["literacy_mean"] < 0.3 and x["complexity_multiplier"] > 1.0 else 0.0
    return -0.04                # digital training works everywhere


def test_prim_finds_the_box_where_a_policy_works_and_says_it():
    spec = spec_of(samples=300)
    runs = synthetic_runs(spec, effect_of)
    found = {(b.policy, b.outcome): (b, tree) for b, tree in discovery.discover(spec, runs)}
    box, tree = found[("pemekaran", "paid_dependence_share")]
    assert box.found and box.density >= 0.9 and box.coverage >= 0.8
    limits = box.limits[box.limits["qp"] <= 0.05]
    assert set(limits.index) == {"literacy_mean", "complexity_multiplier"}
    assert abs(limits.loc["literacy_mean", "max"] - 0.3) < 0.02
    assert abs(limits.loc["complexity_multiplier", "min"] - 1.0) < 0.03
    text = discovery.sentence(box, 0.05)
    assert text.startswith("pemekaran cuts paid dependence by more than 2.0 pp in ")
    assert re.search(r"it works mostly when mean digital literacy is at most 0\.(29|3) .*and procedural "
                     r"complexity .* is at least (0\.99|1)", text), text
    assert set(tree["restricted"]) >= {"literacy_mean", "complexity_multiplier"} and tree["density"] >= 0.9
    # the trajectory starts at the whole space (coverage 1, density = the share of successes)
    first = box.trajectory.iloc[0]
    assert first["coverage"] == 1 and abs(first["density"] - box.share) < 1e-12 and first["res_dim"] == 0
    # a policy that works everywhere has no box to find, and says so
    everywhere, _ = found[("digital_training", "paid_dependence_share")]
    assert not everywhere.found and everywhere.share == 1
    assert discovery.sentence(everywhere, 0.05).endswith("almost always, whatever the assumptions.")
    table = discovery.boxes_table(list(found.values()), 0.05)
    row = table[(table["policy"] == "pemekaran") & (table["outcome"] == "paid_dependence_share")].iloc[0]
    assert "complexity_multiplier" in row["prim_and_cart_agree_on"] and "literacy_mean" in row["restrictions"]
    # In plain words: each condition with the parameter's default and plausible range, and whether the default
    # lies inside; the table names only the significant restrictions, by their labels, and counts the others.
    default = PARAMS["literacy_mean"].default
    inside = "inside" if default <= limits.loc["literacy_mean", "max"] else "outside"
    assert re.search(rf"mean digital literacy is at most 0\.(29|3) \(default {default:.3g}, plausible "
                     rf"[0-9.]+–[0-9.]+; the default lies {inside}\)", text), text
    plain = row["significant_restrictions"]
    assert plain.startswith("Mean digital literacy: ") and "literacy_mean" not in plain and "quasi-p" in plain
    others = int(row["restricted_dims"]) - 2
    assert (f"{others} other restriction" in plain) == (others > 0)


def test_effects_are_paired_within_a_scenario():
    # the baseline varies a lot from seed to seed; each policy's run is its own seed's baseline minus 3 pp
    spec = spec_of(samples=100)
    runs = synthetic_runs(spec, lambda p, x: -0.03, noise=0.1)
    eff = discovery.effects(spec, runs, "paid_dependence_share")
    assert np.allclose(eff.to_numpy(), -0.03, atol=1e-12)


def test_the_reported_box_is_the_widest_of_those_dense_enough():
    # a noisy success: PRIM's trajectory trades coverage for density, and the report takes the box of largest
    # coverage among those at least prim.density dense
    rng = np.random.default_rng(3)
    x = pd.DataFrame({n: rng.uniform(*PARAMS[n].sweep_range, 400) for n in NAMES})
    success = (x["literacy_mean"] < 0.3) & (rng.random(400) < 0.8) | (rng.random(400) < 0.1)
    for density in (0.5, 0.7, 0.8):
        settings = spec_of(prim={"density": density}).prim
        box = discovery.prim_box(x, success.to_numpy(), settings, "p", "paid_dependence_share", 0.02)
        t = box.trajectory
        target = max(density, success.mean() + 0.5 * (1 - success.mean()))
        dense = t[t["density"] >= target]
        assert len(dense) and box.density >= target
        assert box.coverage == dense["coverage"].max()
        widest = dense[dense["coverage"] == dense["coverage"].max()]
        assert box.index in widest.index and t.loc[box.index, "res_dim"] == widest["res_dim"].min()


def test_a_common_success_still_gets_a_box_denser_than_the_whole_space():
    # the policy works in 70% of scenarios anyway, and in nearly all where literacy is low: the box reported is
    # not the whole space (70% dense) but one halfway denser, restricting literacy
    rng = np.random.default_rng(4)
    x = pd.DataFrame({n: rng.uniform(*PARAMS[n].sweep_range, 500) for n in NAMES})
    success = np.where(x["literacy_mean"] < 0.33, rng.random(500) < 0.97, rng.random(500) < 0.3)
    assert 0.6 < success.mean() < 0.8
    box = discovery.prim_box(x, success, spec_of().prim, "p", "paid_dependence_share", 0.02)
    assert box.density >= success.mean() + 0.5 * (1 - success.mean()) and box.coverage > 0.7
    assert "literacy_mean" in box.limits[box.limits["qp"] <= 0.05].index


def test_integer_uncertainties_are_peeled_too():
    # EMA Workbench 3.0.0's PRIM cannot paste into an integer column; the box is still found on one
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"network_degree": rng.integers(4, 13, 500), "literacy_mean": rng.uniform(0.2, 0.45, 500)})
    assert PARAMS["network_degree"].type is int
    success = (x["network_degree"] >= 9).to_numpy() & (rng.random(500) < 0.9)
    box = discovery.prim_box(x, success, spec_of().prim, "p", "paid_dependence_share", 0.02)
    assert box.found and "network_degree" in box.limits.index and box.limits.loc["network_degree", "min"] >= 8
    assert "network_degree" in discovery.cart_box(x, success, 0.05)["restricted"]


def test_success_means_a_cut_larger_than_the_threshold():
    spec = spec_of(samples=100, discovery=[{"outcome": "paid_dependence_share", "threshold": 0.03}])
    runs = synthetic_runs(spec, lambda p, x: -0.02 if p == "pemekaran" else -0.04, noise=0.0)
    boxes = {b.policy: b for b, _ in discovery.discover(spec, runs)}
    assert boxes["pemekaran"].successes == 0 and boxes["digital_training"].successes == 100
    raised = synthetic_runs(spec, lambda p, x: +0.05, noise=0.0)       # a policy that makes it worse never works
    assert all(b.successes == 0 for b, _ in discovery.discover(spec, raised))


def test_regret_and_satisficing_by_hand():
    spec = spec_of(samples=100, robustness={"outcome": "paid_dependence_share", "target": 0.03})
    # sample s: none 0.8; pemekaran 0.8 - 0.04 in even samples, 0.8 + 0.01 in odd ones; training always 0.8 - 0.02
    runs = synthetic_runs(spec, lambda p, x: -0.01 if x["literacy_mean"] != x["literacy_mean"] else 0.0, noise=0.0)
    odd = runs["sample"] % 2 == 1
    runs.loc[(runs["policy"] == "pemekaran") & (runs["sample"] >= 0), "paid_dependence_share"] = np.where(
        odd[(runs["policy"] == "pemekaran") & (runs["sample"] >= 0)], 0.81, 0.76)
    runs.loc[(runs["policy"] == "digital_training") & (runs["sample"] >= 0), "paid_dependence_share"] = 0.78
    table = discovery.robustness(spec, runs).set_index("policy")
    # regret: pemekaran 0 in even samples, 0.81 - 0.78 in odd ones; training 0.02 in even, 0 in odd; none 0.04/0.02
    assert table.loc["pemekaran", "max_regret"] == pytest.approx(0.03)
    assert table.loc["digital_training", "max_regret"] == pytest.approx(0.02)
    assert table.loc["none", "max_regret"] == pytest.approx(0.04)
    assert list(table.index) == ["digital_training", "pemekaran", "none"]          # minimax regret first
    assert list(table["minimax_rank"]) == [1, 2, 3]
    assert table.loc["pemekaran", "satisficing_share"] == pytest.approx(0.5)       # cut 4 pp in half the samples
    assert table.loc["digital_training", "satisficing_share"] == 0                  # 2 pp < the 3 pp target
    assert table.loc["pemekaran", "best_share"] == pytest.approx(0.5)
    assert table.loc["pemekaran", "at_defaults_effect"] == pytest.approx(-0.01)
    assert table.loc["none", "at_defaults_effect"] == 0


def test_unpaired_or_incomplete_explorations_are_refused():
    spec = spec_of(samples=100)
    runs = synthetic_runs(spec, effect_of)
    shifted = runs.copy()
    shifted.loc[shifted["policy"] == "pemekaran", "seed"] += 1
    with pytest.raises(ValueError, match="not paired"):
        discovery.effects(spec, shifted, "paid_dependence_share")
    with pytest.raises(ValueError, match="incomplete"):
        discovery.effects(spec, runs.drop(index=runs.index[-1]), "paid_dependence_share")


# ---------------------------------------------------------------- the experiment end to end
SMALL = {"name": "small_exploration", "kind": "exploration", "scenario": "bangbayang",
         "policies": ["pemekaran", "digital_training"], "uncertainties": NAMES + ["faction_trust"],
         "samples": 34, "replicates": 1, "defaults_replicates": 2, "steps": 60,
         "constants": {"n_households": 200, "spinup_weeks": 26},
         "discovery": [{"outcome": "paid_dependence_share", "threshold": 0.02},
                       {"outcome": "access_gap_literacy", "threshold": 0.01}],
         "prim": {"mass_min": 0.15}}


def small_file(tmp_path, **changes):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump({**SMALL, **changes}))
    return str(path)


@pytest.fixture(scope="module")
def serial_exploration(tmp_path_factory):
    from helpers import small_experiment

    tmp = tmp_path_factory.mktemp("exploration")
    return small_experiment([f"experiment={small_file(tmp)}"], tmp / "results", executor="serial", workers=1)


@pytest.mark.slow
def test_exploration_report_shows_boxes_regret_and_satisficing(serial_exploration, capsys):
    from sim.experiments.report import build

    folder = serial_exploration
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_completed"] == 3 * (34 + 2)
    report = build(folder, write_images=False)
    page = report.read_text()
    for words in ("When does each policy work? (PRIM, EMA Workbench)", "PRIM boxes and CART cross-check",
                  "robust ranking on the paid dependence", "satisficing (cut ≥ 3.0 pp)", "max regret (pp)",
                  "PRIM peeling trajectories", "coverage", "density"):
        assert words in page, words
    boxes = pd.read_csv(folder / "prim_boxes.csv")
    assert len(boxes) == 2 * 2 and set(boxes["policy"]) == {"pemekaran", "digital_training"}
    assert all(s.startswith(discovery.policy_label(p)) for p, s in zip(boxes["policy"], boxes["sentence"]))
    robust = pd.read_csv(folder / "robustness.csv")
    assert set(robust["policy"]) == {"none", "pemekaran", "digital_training"}
    assert robust["max_regret"].is_monotonic_increasing and (robust["max_regret"] >= 0).all()
    assert robust["satisficing_share"].between(0, 1).all()
    effects = pd.read_csv(folder / "exploration_effects.csv")
    assert len(effects) == 34 and "paid_dependence_share:pemekaran" in effects.columns
    out = capsys.readouterr().out
    assert "When does each policy work?" in out and "minimax rank" in out


@pytest.mark.slow
def test_exploration_runs_the_same_on_processes_and_resumes(serial_exploration, tmp_path):
    from helpers import small_experiment

    folder = small_experiment([f"experiment={small_file(tmp_path)}"], tmp_path / "results", executor="processes",
                              workers=2)
    same_tables(folder, serial_exploration)


@pytest.mark.slow
def test_exploration_runs_the_same_on_a_local_dask_cluster(serial_exploration, tmp_path):
    from helpers import small_experiment

    folder = small_experiment([f"experiment={small_file(tmp_path)}"], tmp_path / "results", executor="dask",
                              workers=2)
    same_tables(folder, serial_exploration)


@pytest.mark.slow
def test_an_interrupted_exploration_resumes_to_the_same_tables(serial_exploration, tmp_path):
    from sim.experiments.executors import RunSettings
    from sim.experiments.runner import completed_ids, run_experiment

    folder = serial_exploration
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(folder, copy)
    for name in ("runs.parquet", "timeseries.parquet"):
        (copy / name).unlink()
    kept = sorted(completed_ids(copy))
    for run_id in kept[len(kept) // 2:]:            # the second half never finished
        (copy / "runs" / f"run_{run_id:06d}.parquet").unlink()
    assert len(completed_ids(copy)) == len(kept) // 2
    spec = from_mapping(json.loads((copy / "experiment.json").read_text()))
    run_experiment(spec, 4, RunSettings("serial", workers=1, progress=False), resume=copy)
    same_tables(copy, folder)
    # ... and the same discovery, CART's cross-check included, whatever numpy's global generator holds
    from sim.experiments.report import build

    for where, seed in ((folder, 1), (copy, 2)):
        np.random.seed(seed)
        build(where, write_images=False, quiet=True)
    pd.testing.assert_frame_equal(pd.read_csv(copy / "prim_boxes.csv"), pd.read_csv(folder / "prim_boxes.csv"),
                                  check_exact=True)


def test_shipped_explorations_have_the_promised_size():
    from sim.experiments.budget import count_runs, estimate
    from sim.experiments.spec import CONFIG_DIR

    default = from_mapping(yaml.safe_load((CONFIG_DIR / "exploration.yaml").read_text()))
    assert default.samples >= 500 and default.uncertainties == "all" and len(default.policies) == 6
    assert count_runs(default) == 7 * (default.samples * default.replicates + default.defaults_replicates)
    regency = from_mapping(yaml.safe_load((CONFIG_DIR / "exploration_brebes.yaml").read_text()))
    assert regency.scenario == "brebes" and "pemekaran" in regency.policy_names
    assert estimate(regency, "processes", 2).seconds < 3600     # the estimate, not a timing: the note measures it


# ---------------------------------------------------------------- the regency, and the study
@pytest.fixture(scope="module")
def regency_exploration(tmp_path_factory):
    from helpers import small_experiment

    tmp = tmp_path_factory.mktemp("regency")
    path = tmp / "regency.yaml"
    # Its first question, the one asked per kecamatan, is dependence in flows: pemekaran moves needs away from
    # officials, mostly cases they did free, so its effect on paid dependence is within noise everywhere.
    path.write_text(yaml.safe_dump({**SMALL, "name": "regency_exploration", "scenario": "brebes", "samples": 24,
                                    "defaults_replicates": 1, "prim": {"mass_min": 0.25}, "steps": 156,
                                    "discovery": [{"outcome": "brokered_share", "threshold": 0.01},
                                                  *SMALL["discovery"]],
                                    "constants": {"n_households": 2970, "spinup_weeks": 26}}))
    return small_experiment([f"experiment={path}"], tmp / "results", executor="processes", workers=2)


@pytest.mark.slow
def test_regency_exploration_says_which_kecamatan_gains(regency_exploration):
    from sim.core.geography import KECAMATAN
    from sim.experiments.report import build

    page = build(regency_exploration, write_images=False, quiet=True).read_text()
    assert "Which kecamatan gains, under which assumptions?" in page
    table = pd.read_csv(regency_exploration / "kecamatan_discovery.csv")
    assert len(table) == 2 * len(KECAMATAN) and set(table["kecamatan"]) == {k.name for k in KECAMATAN}
    # pemekaran moves only the six southern kecamatan's seat closer: there it gains more often and by more (the
    # other kecamatan it leaves exactly as they are: the random numbers are common village by village)
    pem = table[table["policy"] == "pemekaran"]
    south = pem["kecamatan"].isin({k.name for k in KECAMATAN if k.south})
    assert south.sum() == 6
    assert pem.loc[south, "median_effect"].mean() < pem.loc[~south, "median_effect"].mean() - 0.005
    # ... and more often: in the north never, for its effect there is exactly zero in every scenario.
    assert pem.loc[south, "success_share"].mean() > pem.loc[~south, "success_share"].mean() + 0.05
    assert (pem.loc[~south, "median_effect"] == 0).all() and (pem.loc[~south, "success_share"] == 0).all()
    # pemekaran cannot reach the northern kecamatan, and says so; with one replicate at the defaults there is no
    # by-chance share to give, and at ten households a village the report warns that effects per kecamatan are
    # mostly seed noise. No placebo paragraph: where a policy cannot act, nothing passes the threshold.
    assert (pem["reached"] == south).all() and table.loc[table["policy"] == "digital_training", "reached"].all()
    assert all(s.startswith("pemekaran cuts brokered share in ") for s in pem.loc[south, "sentence"])
    assert all(s.startswith("pemekaran cannot reach ") for s in pem.loc[~south, "sentence"])
    assert table["chance_share"].isna().all()
    assert "Warning: the villages have about 10 households each" in page
    assert "what seed noise alone shows" not in page


def test_the_by_chance_share_is_what_a_policy_that_does_nothing_shows():
    # Synthetic kecamatan tables: a placebo policy with no effect anywhere, whose paired effect in each sampled
    # scenario is seed noise (sd 1.5 pp); ten replicates at the defaults (the default number) estimate that noise
    # (their sd within about ±30% of the true one, 95%). The share of scenarios it "cuts" the outcome by more than
    # 1 pp in should match the by-chance share (about 25%) in every kecamatan, within the binomial spread of 200
    # scenarios.
    from sim.core.geography import KECAMATAN

    spec = spec_of(scenario="brebes", uncertainties=["literacy_mean"], samples=200, defaults_replicates=10,
                   policies=["digital_training"],
                   discovery=[{"outcome": "paid_dependence_share", "threshold": 0.01}])
    d = design.initial(spec, 0)
    rng = np.random.default_rng(5)
    rows = []
    for r in d.to_dict("records"):
        for k in KECAMATAN[:4]:
            level = 0.3 + (rng.normal(0, 0.015) if r["policy"] != "none" else 0.0)
            rows.append({**r, "kecamatan": k.name, "paid_dependence_share": level, "households": 2000,
                         "villages": 10})
    areas = pd.DataFrame(rows)
    runs = d.assign(paid_dependence_share=0.3)
    table = discovery.area_discovery(spec, areas, runs)
    assert table["reached"].all() and (table["households_per_village"] == 200).all()
    expected = discovery.chance_share(0.015, 0.01)       # about 25%
    assert abs(expected - 0.2525) < 0.005
    for row in table.itertuples():
        assert abs(row.chance_share - expected) < 0.12          # from the sd of ten paired replicates
        assert abs(row.success_share - expected) < 3 * np.sqrt(expected * (1 - expected) / 200) + 0.02
        assert "within noise" in row.sentence


STUDY = ["experiments/when_pemekaran_beats_training.py"]


@pytest.mark.slow
def test_study_answers_from_an_exploration_folder(serial_exploration, regency_exploration):
    import subprocess
    import sys

    from sim.experiments.spec import from_record

    out = subprocess.run([sys.executable, *STUDY, "--from", str(serial_exploration)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert re.search(r"Pemekaran cuts paid dependence more than digital training in \d+% of the 34 explored "
                     r"scenarios, by more than 1\.0 pp in \d+%", out.stdout)
    table = pd.read_csv(serial_exploration / "pemekaran_vs_training_by_scenario.csv")
    spec = from_record(json.loads((serial_exploration / "experiment.json").read_text()))
    runs = pd.read_parquet(serial_exploration / "runs.parquet")
    eff = discovery.effects(spec, runs, "paid_dependence_share")
    assert np.allclose(table["advantage"], eff["pemekaran"] - eff["digital_training"])
    assert (serial_exploration / "when_pemekaran_beats_training.html").is_file()
    regency = subprocess.run([sys.executable, *STUDY, "--from", str(regency_exploration)], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parents[1])
    assert regency.returncode == 0, regency.stderr
    kec = pd.read_csv(regency_exploration / "pemekaran_vs_training_by_kecamatan.csv")
    assert len(kec) == 17 and kec["road_km_to_brebes"].between(0, 200).all()
    assert kec["median_advantage_pp"].abs().max() < 100          # in percentage points, not a fraction
    assert "adjusted for the" in out.stdout and "p_value_holm" in out.stdout


def test_holm_adjusts_p_values_for_the_number_tested():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / STUDY[0]
    spec = importlib.util.spec_from_file_location("study", path)
    study = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(study)
    p = np.array([0.01, 0.04, 0.03, 0.5])
    # Holm: sorted 0.01, 0.03, 0.04, 0.5 times 4, 3, 2, 1, kept non-decreasing, at most 1.
    np.testing.assert_allclose(study.holm(p), [0.04, 0.09, 0.09, 0.5])
    assert (study.holm(np.full(100, 0.02)) == 1.0).all()


def test_study_refuses_other_folders_in_one_line(tmp_path):
    import subprocess
    import sys

    from helpers import small_experiment

    folder = small_experiment(["experiment=pemekaran_vs_training", "replicates=2", "steps=60", "n_households=200"],
                              tmp_path, executor="serial", workers=1)
    out = subprocess.run([sys.executable, *STUDY, "--from", str(folder)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "an exploration experiment's folder (this one is a comparison)" in out.stderr


def test_cart_gives_the_same_leaf_whatever_numpy_global_state():
    # Two copies of one uncertainty split the successes equally well: which one the tree takes depends on the order
    # scikit-learn draws for the features, from numpy's global generator unless the tree is seeded.
    rng = np.random.default_rng(3)
    a = rng.random(400)
    x = pd.DataFrame({"literacy_mean": a, "network_degree": a, "complexity_multiplier": rng.random(400)})
    success = a + 0.1 * rng.random(400) > 0.7
    found = set()
    for seed in range(12):
        np.random.seed(seed)
        found.add(tuple(discovery.cart_box(x, success, 0.05)["restricted"]))
    assert len(found) == 1, found


def test_the_ranking_says_which_arms_it_cannot_tell_apart():
    robust = pd.DataFrame({"policy": ["none", "digital_training", "pemekaran"],
                           "outcome": "paid_dependence_share", "max_regret": [0.05, 0.06, 0.20]})
    close = discovery.ranking_sentence(robust, 0.01)
    assert close.startswith("Minimax regret puts no policy first") and "more than 5.0 pp" in close
    assert "But no policy and digital training are not told apart" in close and "pemekaran are" not in close
    assert "within 1.0 pp of each other, less than twice the seed noise of one paired run (1.0 pp)" in close
    apart = discovery.ranking_sentence(robust, 0.001)
    assert "not told apart" not in apart and "more than twice the seed noise" in apart
    assert "Too few replicates" in discovery.ranking_sentence(robust, float("nan"))
    # no noise at all (a tiny village): the arms with the first's maximum regret only
    tied = pd.DataFrame({"policy": ["none", "pemekaran"], "outcome": "paid_dependence_share",
                         "max_regret": [0.0, 0.0]})
    assert "no policy and pemekaran are not told apart" in discovery.ranking_sentence(tied, 0.0)
    assert "more than twice" in discovery.ranking_sentence(robust, 0.0)


def test_seed_noise_is_the_spread_of_paired_effects_at_the_defaults():
    spec = spec_of(samples=100, defaults_replicates=40)
    d = design.initial(spec, 0)
    rng = np.random.default_rng(1)
    base = {s: 0.8 + rng.normal(0, 0.05) for s in d["seed"].unique()}   # a seed's own level, shared by its arms
    level = [base[r["seed"]] + (0 if r["policy"] == "none" else -0.01 + rng.normal(0, 0.02))
             for r in d.to_dict("records")]
    runs = d.assign(paid_dependence_share=level)
    noise = discovery.seed_noise(spec, runs, "paid_dependence_share")
    assert 0.015 < noise < 0.025       # the policy runs' own noise, not the seeds' shared level (0.05)


def test_report_texts_in_plain_words():
    from sim.experiments.report import _wall
    from sim.experiments.report_exploration import area_figure

    assert [_wall(v) for v in (8.2, 676.262, 3900, None)] == ["8 s", "11 min 16 s", "1 h 05 min", "unknown"]
    assert discovery.policy_label("pemekaran+digital_training") == "pemekaran + digital training"
    areas = pd.DataFrame({"kecamatan": ["Salem", "Losari", "Brebes"], "policy": "pemekaran",
                          "success_share": [0.5, 0.01, 0.02], "outcome": "paid_dependence_share",
                          "threshold": 0.02})
    rows = list(area_figure(areas, "kecamatan").data[0].y)
    assert rows == ["Losari", "Brebes", "Salem (Brebes Selatan)"]       # north to south, the new regency marked


def test_a_regency_of_small_villages_is_noted_before_it_runs():
    from sim.experiments.kinds import kind_of

    small = spec_of(scenario="brebes", uncertainties=["literacy_mean"], constants={"n_households": 5940})
    notes = kind_of(small).notes(small)
    assert any("villages of about 20 households (5,940 over 297)" in n and "seed noise" in n for n in notes)
    whole = spec_of(scenario="brebes", uncertainties=["literacy_mean"])
    assert not any("seed noise" in n for n in kind_of(whole).notes(whole))


def test_the_estimate_counts_the_analysis():
    from sim.experiments.budget import estimate
    from sim.experiments.kinds import kind_of

    one = spec_of(policies=["pemekaran"], uncertainties="all")
    two = spec_of(policies=["pemekaran", "digital_training"], uncertainties="all")
    kind = kind_of(one)
    assert kind.analysis_seconds(two) - kind.REPORT_S == pytest.approx(2 * (kind.analysis_seconds(one) - kind.REPORT_S))
    assert kind.analysis_seconds(one) > kind.REPORT_S + 1        # about 2 s per PRIM box on every uncertainty
    regency = spec_of(scenario="brebes", policies=["pemekaran"], uncertainties=["literacy_mean"])
    assert kind.analysis_seconds(regency) > kind.analysis_seconds(spec_of(policies=["pemekaran"],
                                                                          uncertainties=["literacy_mean"]))
    cost = estimate(two, "processes", 2)
    assert cost.seconds > kind.analysis_seconds(two)
