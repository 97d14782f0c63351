"""Experiments end to end: designs, executors, resume after a kill, reports and bad configurations."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gate import HANG_GUARD_S, Gate, interrupt
from helpers import paired_t

from sim.core.outcomes import CAMP_NAMES, OUTCOME_NAMES
from sim.experiments.analysis import hysteresis_gap, paired_effects
from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import run_experiment
from sim.params.registry import PARAMS

ROOT = Path(__file__).resolve().parents[1]
TINY = ["n_households=300"]


def cli(*args, cwd=ROOT, **kw):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=HANG_GUARD_S, **kw)


def run(args, results, executor="serial", progress=False):
    _, spec, _ = prepare(args)
    seed = next((int(a.split("=")[1]) for a in args if a.startswith("seed=")), 0)
    return run_experiment(spec, seed, RunSettings(executor, workers=2, results_dir=results, progress=progress))


COMPARISON = ["experiment=policy_comparison", "replicates=3", "steps=60", *TINY]


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    out = cli(*COMPARISON, "executor=processes", f"results_dir={results}")
    assert out.returncode == 0, out.stderr
    folders = list((results / "policy_comparison").iterdir())
    assert len(folders) == 1
    return folders[0]


def test_comparison_tables_have_the_right_shape_and_content(comparison_folder):
    f = comparison_folder
    design = pd.read_parquet(f / "design.parquet")
    runs = pd.read_parquet(f / "runs.parquet")
    series = pd.read_parquet(f / "timeseries.parquet")
    policies = ["none", "pemekaran", "digital_training", "simplification", "enforcement", "mobile_service",
                "pemekaran+digital_training"]
    assert len(design) == len(runs) == 7 * 3
    assert list(runs["run_id"]) == list(range(21))
    assert sorted(runs["policy"].unique()) == sorted(policies)
    assert set(OUTCOME_NAMES) <= set(runs.columns) and set(PARAMS) <= set(runs.columns)
    assert {"run_id", "policy", "replicate", "seed"} <= set(runs.columns)
    assert (runs["n_households"] == 300).all()
    assert (series.groupby("run_id").size() == 60).all()           # every run ran the 60 weeks asked for
    # the preset switched each policy's lever on, and only there
    assert (runs.loc[runs.policy == "pemekaran", "pemekaran_intensity"] == 1.0).all()
    assert (runs.loc[runs.policy == "none", "pemekaran_intensity"] == 0.0).all()
    assert len(series) == 21 * 60 and set(OUTCOME_NAMES) <= set(series.columns)
    assert all(runs[o].between(0, 1).all() for o in ("brokered_share", "unmet_share", "online_share"))
    manifest = json.loads((f / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_scheduled"] == manifest["runs_completed"] == 21
    assert manifest["master_seed"] == 0 and manifest["versions"]["mesa"].startswith("3.")
    assert manifest["git_commit"] and manifest["wall_time_s"] > 0
    summary = pd.read_csv(f / "summary.csv")
    assert len(summary) == 6 * len(OUTCOME_NAMES)
    assert {"effect", "ci95_low", "ci95_high"} <= set(summary.columns)
    assert (summary["ci95_low"] <= summary["effect"] + 1e-12).all()
    html = (f / "report.html").read_text()
    assert "plotly" in html.lower() and "Paired effect" in html and "Who gains" in html
    assert not list(f.rglob("*.tmp"))
    # Per-camp outcomes are columns of the runs, with paired effects per camp in the report and beside it.
    assert set(CAMP_NAMES) <= set(runs.columns)
    assert runs["paid_dependence_share_camp_opposition"].between(0, 1).all()
    camps = pd.read_csv(f / "camp_effects.csv")
    assert set(camps["camp"]) == {"head", "opposition", "neutral"} and set(camps["policy"]) == set(policies[1:])
    assert len(camps) == 6 * len(CAMP_NAMES) and "Per political camp" in html and "the opposition" in html


def test_policy_effects_are_paired_by_replicate(comparison_folder):
    runs = pd.read_parquet(comparison_folder / "runs.parquet")
    seeds = runs.pivot(index="replicate", columns="policy", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()            # same seed under every policy
    assert seeds.iloc[:, 0].nunique() == len(seeds)       # different seeds across replicates
    broken = runs.copy()
    broken.loc[(broken.policy == "pemekaran") & (broken.replicate == 0), "seed"] += 1
    with pytest.raises(ValueError, match="paired"):
        paired_effects(broken, "none")


def test_report_on_demand(comparison_folder):
    (comparison_folder / "report.html").unlink()
    out = subprocess.run([sys.executable, "-m", "sim.experiments.report", str(comparison_folder), "images=false"],
                         cwd=ROOT, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert out.returncode == 0, out.stderr
    assert (comparison_folder / "report.html").is_file()
    assert "pemekaran" in out.stdout


def test_the_report_command_refuses_an_unknown_setting_in_one_line(comparison_folder, capsys):
    from sim.experiments.report import main

    for bad in ("images=maybe", "imags=false"):
        with pytest.raises(SystemExit) as stop:
            main([str(comparison_folder), bad])
        err = capsys.readouterr().err.strip()
        assert stop.value.code == 2 and err == f"error: {bad!r} is not valid: allowed images=true or images=false"


def test_static_figures_exported(chromium, comparison_folder):
    pngs = sorted((comparison_folder / "figures").glob("*.png"))
    assert {p.stem for p in pngs} >= {"trajectories", "effects", "quartiles_paid"}
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_serial_and_parallel_give_identical_tables(tmp_path):
    args = ["experiment=pemekaran_vs_training", "replicates=2", "steps=60", "seed=5", *TINY]
    a = run(args, tmp_path / "a", executor="serial")
    b = run(args, tmp_path / "b", executor="processes")
    for name in ("runs.parquet", "timeseries.parquet", "design.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name), check_exact=True)


@pytest.mark.parametrize("sig,executor", [(signal.SIGKILL, "serial"), (signal.SIGINT, "processes")])
def test_interrupted_experiment_resumes_to_identical_tables(tmp_path, sig, executor):
    # Runs after the third wait at a gate until the signal has reached the experiment: it lands among the runs,
    # never after the last one, however loaded the machine (so the runs need not be long).
    args = ["experiment=pemekaran_vs_training", "replicates=4", "steps=60", "seed=9", "n_households=200"]
    gate = Gate(tmp_path / "gate", first=3)
    proc = gate.start([*args, f"executor={executor}", f"results_dir={tmp_path / 'cut'}"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, text=True)
    held = 1 if executor == "serial" else 2                    # every worker holds a run
    gate.wait_for(lambda: len(gate.waiting()) >= held, lambda: proc.poll() is None, "runs waiting at the gate")
    folder = next((tmp_path / "cut" / "pemekaran_vs_training").iterdir())
    if sig == signal.SIGINT:
        interrupt(proc, sig)
        gate.release_all()                                     # the runs in flight finish, none starts
    else:
        os.killpg(proc.pid, sig)
    proc.wait(timeout=HANG_GUARD_S)
    if sig == signal.SIGINT:
        assert proc.returncode == 130, proc.stderr.read()
        assert json.loads((folder / "manifest.json").read_text())["status"] == "interrupted"
    finished = list((folder / "runs").glob("run_*.parquet"))
    assert 0 < len(finished) < 16 and not (folder / "runs.parquet").exists()
    for f in finished:                      # every file present is whole
        assert len(pd.read_parquet(f)) == 1
    out = cli(f"resume={folder}", "executor=processes")
    assert out.returncode == 0, out.stderr
    whole = run(args, tmp_path / "whole")
    for name in ("runs.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(folder / name), pd.read_parquet(whole / name),
                                      check_exact=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_completed"] == 16


def test_sensitivity_morris_then_sobol(tmp_path):
    # A village at rest is not what this checks (the design, the analysis, the report): a short spin-up will do.
    args = ["experiment=sensitivity", "steps=30", "n_households=200", "spinup_weeks=26"]
    _, spec, _ = prepare(args)
    spec = spec.model_copy(update={"morris": spec.morris.model_copy(update={"trajectories": 2}),
                                   "sobol": spec.sobol.model_copy(update={"top": 2, "base_samples": 4})})
    folder = run_experiment(spec, 3, RunSettings("processes", workers=2, results_dir=tmp_path, progress=False))
    from sim.experiments.report import build

    build(folder, write_images=False, quiet=True)
    design = pd.read_parquet(folder / "design.parquet")
    k = len(spec.uncertainty_names())
    assert (design["stage"] == "morris").sum() == 2 * (k + 1)
    assert (design["stage"] == "sobol").sum() == 4 * (2 + 2)
    summary = pd.read_csv(folder / "summary.csv")
    morris = summary[summary["method"] == "morris"]
    sobol = summary[summary["method"] == "sobol"]
    assert sorted(morris["parameter"]) == sorted(spec.uncertainty_names())
    assert (morris["mu_star"] >= 0).all() and morris["mu_star"].is_monotonic_decreasing
    assert list(sobol["parameter"]) == list(morris["parameter"][:2])   # Sobol on the Morris top 2
    assert sobol[["S1", "ST"]].notna().all().all()
    # each Morris sample varies the parameters within their plausible ranges
    for name in spec.uncertainty_names():
        lo, hi = PARAMS[name].sweep_range
        assert design[name].dropna().between(lo, hi).all(), name
    html = (folder / "report.html").read_text()
    assert "Morris" in html and "Sobol" in html


def test_hysteresis_records_both_branches(tmp_path):
    args = ["experiment=hysteresis", "replicates=2", "steps=10", *TINY]
    _, spec, _ = prepare(args)
    spec = spec.model_copy(update={"burn_in_steps": 10})
    folder = run_experiment(spec, 0, RunSettings("serial", workers=1, results_dir=tmp_path, progress=False))
    runs = pd.read_parquet(folder / "runs.parquet")
    n_points = sum(2 * len(s.values) for s in spec.sweeps)
    assert len(runs) == 2 * 2 * n_points                            # two replicates, each swept and held
    for i, sweep in enumerate(spec.sweeps):
        chain = runs[(runs.sweep == i) & (runs.replicate == 0) & ~runs.control].sort_values("point")
        assert list(chain["value"]) == [*sweep.values, *reversed(sweep.values)]
        assert list(chain["branch"]) == ["up"] * len(sweep.values) + ["down"] * len(sweep.values)
        assert list(chain["step"]) == [10 + 10 * (j + 1) for j in range(2 * len(sweep.values))]
        assert (chain[sweep.parameter] == chain["value"]).all()   # the lever really was set
        held = runs[(runs.sweep == i) & (runs.replicate == 0) & runs.control].sort_values("point")
        assert list(held["step"]) == list(chain["step"]) and (held[sweep.parameter] == sweep.values[0]).all()
    # The report's table gives each swept value in its unit, at a sensible precision ("10 km", not "10.0000").
    from sim.experiments import analysis
    from sim.experiments.kinds.hysteresis import hysteresis_table

    shown = hysteresis_table(analysis.hysteresis_summary(spec, runs))
    distances = shown.loc[shown["parameter"] == "dist_regency_km", "value"]
    assert set(distances) == {f"{v:g} km" for v in spec.sweeps[1].values}


def test_pattern5_the_distance_loop_net_of_its_control(tmp_path):
    # Distance to the regency seat swept up from 10 km to 130 km and back, a year at each value, against control
    # chains (same seeds and weeks, 10 km throughout). Net of what time alone does, the loop is what the model
    # says about hysteresis. At the default calibration there is none: the net gap of paid dependence lies within
    # two points at every distance (distance moves paid dependence by a few points only, and a year at each value
    # lets ties settle; persistence shows in lock-in instead, tests/test_mechanisms.py). A drift, or a loop the
    # control does not share, makes this fail.
    args = ["experiment=hysteresis", "replicates=16"]
    _, spec, _ = prepare(args)
    spec = spec.model_copy(update={"sweeps": [spec.sweeps[1]]})
    folder = run_experiment(spec, 1, RunSettings("processes", workers=2, results_dir=tmp_path, progress=False))
    runs = pd.read_parquet(folder / "runs.parquet")
    gap = hysteresis_gap(spec, runs)
    assert list(gap["value"]) == list(spec.sweeps[0].values)
    assert gap[["control_drift", "net_gap", "net_ci95_low", "net_ci95_high"]].notna().all().all()
    assert (gap["net_ci95_low"] > -0.02).all() and (gap["net_ci95_high"] < 0.02).all(), gap
    assert set(runs["control"]) == {False, True}
    low = min(spec.sweeps[0].values)
    held = runs[runs["control"]]
    assert (held["value"] == low).all() and (held["dist_regency_km"] == low).all()


def test_pattern6_pemekaran_and_training_each_reduce_dependence_and_gaps(tmp_path):
    # The experiment as shipped (30 replicates, common random numbers). Dependence as the brief defines it, in
    # flows (needs handled through officials or brokers) and in stock (lock-in): paired t < -3. Paid dependence
    # falls with training (t < -3); with pemekaran it moves within noise, since the cases that leave officials
    # are mostly ones they did free (tests/test_mechanisms.py). Access gaps: the sum of the three gaps falls,
    # and so does the gap each policy targets most directly: income (cheaper trips) for pemekaran, literacy for
    # training; t < -2 for training (measured -2.7 and -2.7), t < -1 for pemekaran (measured -1.4 and -1.5):
    # it moves only the regency's desk, which takes 35% of the registry's visits and none of the village's.
    args = ["experiment=pemekaran_vs_training", "seed=2"]
    folder = run(args, tmp_path, executor="processes")
    runs = pd.read_parquet(folder / "runs.parquet")
    assert runs.groupby("policy").size().eq(30).all()
    runs["access_gaps"] = runs[["access_gap_literacy", "access_gap_distance", "access_gap_income"]].sum(axis=1)
    base = runs[runs.policy == "none"].set_index("replicate")
    checks = {"pemekaran": "access_gap_income", "digital_training": "access_gap_literacy"}
    for policy, own_gap in checks.items():
        other = runs[runs.policy == policy].set_index("replicate")
        paid = [("paid_dependence_share", -3.0)] if policy == "digital_training" else []
        gap_t = -2.0 if policy == "digital_training" else -1.0
        for outcome, t_max in (("brokered_share", -3.0), ("patron_lockin_share", -3.0), ("access_gaps", gap_t),
                               (own_gap, gap_t), *paid):
            t = paired_t(base[outcome], other[outcome])
            assert t < t_max, (policy, outcome, t)


BAD = [
    (["experiment=no_such_study"], ["experiment", "no_such_study", "policy_comparison"]),
    (["experiment=policy_comparison", "replicates=0"], ["replicates", "0", "from 1"]),
    (["experiment=policy_comparison", "replicates=-4"], ["replicates", "-4"]),
    (["experiment=policy_comparison", "executor=cluster"], ["executor", "cluster", "serial"]),
    (["experiment=policy_comparison", "policy=pemekaran"], ["policy", "experiment file"]),
    (["replicates=5"], ["replicates", "experiment="]),
    (["resume=."], ["resume", "experiment folder"]),
    (["resume=/no/such/folder"], ["resume", "/no/such/folder"]),
]


@pytest.mark.parametrize("args,words", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_experiment_input_is_one_line_and_writes_nothing(tmp_path, args, words):
    results = tmp_path / "results"
    out = cli(*args, f"results_dir={results}")
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode != 0 and len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "Traceback" not in out.stderr and not results.exists()


BAD_FILES = [
    ("sweeps:\n  - parameter: no_such_lever\n    values: [0, 1]\n", ["no_such_lever"]),
    ("sweeps:\n  - parameter: digital_training_intensity\n    values: [0.0, 1.5]\n",
     ["digital_training_intensity", "1.5", "from 0 to 1"]),
    ("sweeps:\n  - parameter: n_households\n    values: [100, 200]\n", ["n_households", "change during a run"]),
    ("sweeps: []\n", ["sweeps"]),
    ("sweeps:\n  - parameter: dist_regency_km\n    values: [10, 20]\nbogus_key: 3\n", ["bogus_key"]),
    ("replicates: 0\nsweeps:\n  - parameter: dist_regency_km\n    values: [10, 20]\n", ["replicates", "0"]),
]


@pytest.mark.parametrize("body,words", BAD_FILES, ids=[w[0] for _, w in BAD_FILES])
def test_bad_experiment_file_is_one_line_and_writes_nothing(tmp_path, body, words):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nkind: hysteresis\n" + body)
    results = tmp_path / "results"
    out = cli(f"experiment={path}", f"results_dir={results}")
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode != 0 and len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert not results.exists()


def test_an_experiment_file_of_ones_own_runs(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nkind: comparison\npolicies: [mobile_service]\nreplicates: 2\nsteps: 60\n"
                    "constants: {n_households: 200}\n")
    out = cli(f"experiment={path}", f"results_dir={tmp_path / 'r'}", "executor=serial")
    assert out.returncode == 0, out.stderr
    runs = pd.read_parquet(next((tmp_path / "r" / "mine").iterdir()) / "runs.parquet")
    assert len(runs) == 4 and set(runs["policy"]) == {"none", "mobile_service"}


@pytest.mark.parametrize("script", ["pemekaran_vs_training.py", "who_gains.py"])
def test_shipped_studies_run(tmp_path, script):
    out = subprocess.run([sys.executable, str(ROOT / "experiments" / script), "--replicates", "2", "--steps", "60",
                          "--executor", "serial", "--results-dir", str(tmp_path), "n_households=200"], cwd=ROOT,
                         capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert out.returncode == 0, out.stderr
    folder = next(next(tmp_path.iterdir()).iterdir())
    produced = {"pemekaran_vs_training.py": "additivity.csv", "who_gains.py": "who_gains.csv"}[script]
    table = pd.read_csv(folder / produced)
    assert len(table) > 0 and table.select_dtypes("number").notna().any().any()
    assert np.isfinite(pd.read_parquet(folder / "runs.parquet")["brokered_share"]).all()
