"""Experiments a researcher can trust: comparisons that stay paired, inputs refused before they run, results that
explain themselves. One test (or more) per point of the issue that asked for them; the numbers in the names
follow its list. Malformed files and command lines are in test_corpus.py."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gate import HANG_GUARD_S, Gate, interrupt

from sim.errors import ConfigError
from sim.experiments import budget
from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.runner import run_experiment

ROOT = Path(__file__).resolve().parents[1]
TINY = ["n_households=200"]


def cli(*args, env=None, timeout=HANG_GUARD_S):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)


def experiment(args, results, executor="serial"):
    _, spec, _ = prepare(args)
    return run_experiment(spec, 0, RunSettings(executor, workers=2, results_dir=results, progress=False))


def error_line(out) -> str:
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    return lines[0]


# ------------------------------------------------------------------ 1. lever constants stay with their arms
def test_01_a_lever_constant_goes_to_the_arms_with_that_lever_and_never_to_the_baseline(tmp_path):
    out = cli("experiment=pemekaran_vs_training", "digital_training_intensity=0.3", "replicates=2", "steps=60",
              *TINY, "executor=serial", f"results_dir={tmp_path}")
    assert out.returncode == 0, out.stderr
    assert "note: digital_training_intensity=0.3 applies to digital_training, pemekaran+digital_training only" \
        in out.stderr
    runs = pd.read_parquet(next((tmp_path / "pemekaran_vs_training").iterdir()) / "runs.parquet")
    intensity = runs.groupby("policy")["digital_training_intensity"].unique().map(list).to_dict()
    assert intensity == {"none": [0.0], "pemekaran": [0.0], "digital_training": [0.3],
                         "pemekaran+digital_training": [0.3]}


def test_01_an_experiment_file_sets_an_intensity_per_arm(tmp_path):
    path = tmp_path / "training.yaml"
    path.write_text("name: training\nkind: comparison\nreplicates: 2\nsteps: 60\nconstants: {n_households: 200}\n"
                    "policies:\n  - digital_training\n  - name: training_30\n    policy: digital_training\n"
                    "    set: {digital_training_intensity: 0.3, digital_training_start_step: 10}\n")
    out = cli(f"experiment={path}", "executor=serial", f"results_dir={tmp_path / 'r'}")
    assert out.returncode == 0, out.stderr
    folder = next((tmp_path / "r" / "training").iterdir())
    runs = pd.read_parquet(folder / "runs.parquet").set_index("policy")
    assert runs.loc["training_30", "digital_training_intensity"].tolist() == [0.3, 0.3]
    assert runs.loc["training_30", "digital_training_start_step"].tolist() == [10, 10]
    assert runs.loc["digital_training", "digital_training_intensity"].tolist() == [0.15, 0.15]   # the preset
    assert runs.loc["none", "digital_training_intensity"].tolist() == [0.0, 0.0]
    effects = pd.read_csv(folder / "summary.csv")
    assert set(effects["policy"]) == {"digital_training", "training_30"}
    design = pd.read_parquet(folder / "design.parquet")
    assert set(design.loc[design.policy == "training_30", "levers"]) == {"digital_training"}


# ------------------------------------------------------------------ 2. runs too short for a policy
def test_02_runs_that_end_before_the_policies_start_are_refused_and_short_ones_noted(tmp_path):
    line = error_line(cli("experiment=policy_comparison", "steps=40", "replicates=2", f"results_dir={tmp_path}"))
    assert "steps=40" in line and "week 52" in line
    out = cli("experiment=pemekaran_vs_training", "steps=80", "replicates=2", *TINY, "executor=serial",
              f"results_dir={tmp_path}")
    assert out.returncode == 0, out.stderr
    assert "note: policy pemekaran is in effect for only 29 of the final 52 weeks" in out.stderr


# ------------------------------------------------------------------ 3. a run is labelled by what it runs
def test_03_a_single_run_is_labelled_by_the_levers_it_runs():
    from sim import run_scenario

    assert run_scenario(policy="none", steps=2, n_households=100, digital_training_intensity=0.3).policy == \
        "digital_training"
    assert run_scenario(policy="pemekaran", steps=2, n_households=100, pemekaran_intensity=0.0).policy == "none"
    assert run_scenario(policy="digital_training+pemekaran", steps=2, n_households=100).policy == \
        "pemekaran+digital_training"
    line = error_line(cli("policy=none", "digital_training_intensity=0.3", "results_dir=/nonexistent/r"))
    assert "policy=digital_training digital_training_intensity=0.3" in line


# ------------------------------------------------------------------ 4. resume refuses other code
def test_04_resume_refuses_other_code_unless_told_and_records_both(tmp_path):
    args = ["experiment=pemekaran_vs_training", "replicates=2", "steps=60", *TINY, "seed=3"]
    gate = Gate(tmp_path / "gate", first=1)                   # killed while its second run waits: never finished
    proc = gate.start([*args, "executor=serial", f"results_dir={tmp_path}"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, text=True)
    gate.wait_for(lambda: gate.waiting(), lambda: proc.poll() is None, "the second run")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=HANG_GUARD_S)
    folder = next((tmp_path / "pemekaran_vs_training").iterdir())
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["environment"]["sim code"] = "0123456789abcdef"      # as if started by another version
    (folder / "manifest.json").write_text(json.dumps(manifest))
    line = error_line(cli(f"resume={folder}"))
    assert "sim code 0123456789abcdef →" in line and "allow_code_change=true" in line
    assert json.loads((folder / "manifest.json").read_text())["status"] == "running"   # untouched
    out = cli(f"resume={folder}", "allow_code_change=true", "executor=serial")
    assert out.returncode == 0, out.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_completed"] == 8
    assert len(manifest["sessions"]) == 2 and manifest["sessions"][1]["allow_code_change"] is True
    assert manifest["environment"]["sim code"] == "0123456789abcdef"     # what it started with stays recorded


# ------------------------------------------------------------------ 5. batch_run in the documentation
def test_05_the_documented_batch_run_example_runs_ten_years():
    page = (ROOT / "docs" / "running.md").read_text()
    block = re.search(r"```python\n(import mesa\n.*?)```", page, re.S).group(1)
    assert "max_steps=520" in block
    namespace: dict = {}
    exec(block.replace('"n_households": 500', '"n_households": 100'), namespace)   # smaller, same steps
    rows = pd.DataFrame(namespace["rows"])
    assert len(rows) == 4 and set(rows["Step"]) == {520}


# ------------------------------------------------------------------ 6. duplicate arms
@pytest.mark.parametrize("policies,words", [
    ("[pemekaran, pemekaran]", ["pemekaran", "twice"]),
    ("[none, pemekaran]", ["none", "baseline"]),
    ("[pemekaran+digital_training, digital_training+pemekaran]", ["same levers"]),
])
def test_06_duplicate_arms_are_refused_before_anything_runs(tmp_path, policies, words):
    path = tmp_path / "dup.yaml"
    path.write_text(f"name: dup\nkind: comparison\npolicies: {policies}\n")
    line = error_line(cli(f"experiment={path}", f"results_dir={tmp_path / 'r'}"))
    assert all(w in line for w in words), line
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------ 7. one line, not a traceback
def test_07_a_misspelled_uncertainty_gets_a_suggestion(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nkind: sensitivity\nuncertainties: [trust_wieght, tie_gain]\n")
    line = error_line(cli(f"experiment={path}", f"results_dir={tmp_path / 'r'}"))
    assert "trust_wieght" in line and "trust_weight" in line


# ------------------------------------------------------------------ 8. names are names, not paths
@pytest.mark.parametrize("name", ["../x", "''", "a/b", "/tmp/abs"])
def test_08_an_experiment_name_cannot_be_a_path(tmp_path, name):
    path = tmp_path / "n.yaml"
    path.write_text(f"name: {name}\nkind: comparison\npolicies: [pemekaran]\n")
    error_line(cli(f"experiment={path}", f"results_dir={tmp_path / 'r'}"))
    assert not (tmp_path / "r").exists() and not (tmp_path / "x").exists()


# ------------------------------------------------------------------ 9. size known and checked before starting
def test_09_huge_designs_are_refused_at_once(monkeypatch, capsys):
    args = ["experiment=policy_comparison", "replicates=100000000", "results_dir=/nonexistent/r"]
    line = error_line(cli(*args))
    assert "700,000,000 runs" in line and "memory" in line
    # Refused, not generated: the design is never built (whatever time building it would take on this machine).
    from sim.__main__ import main
    from sim.experiments import design

    built = []
    monkeypatch.setattr(design, "initial", lambda *a, **k: built.append(a))
    monkeypatch.setattr(sys, "argv", ["sim", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2 and not built
    assert capsys.readouterr().err.strip() == line


def test_09_an_estimate_is_printed_before_the_runs_start(tmp_path):
    out = cli("experiment=pemekaran_vs_training", "replicates=2", "steps=60", *TINY, "executor=serial",
              f"results_dir={tmp_path}")
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    estimate = next(line for line in lines if line.startswith("experiment pemekaran_vs_training: 8 runs of 60 weeks"))
    assert "200 households each" in estimate and "on disk" in estimate and "about" in estimate
    assert lines.index(estimate) < next(i for i, line in enumerate(lines) if line.startswith("folder: "))
    _, big, _ = prepare(["experiment=brebes_pemekaran", "replicates=1000", "n_households=5000000"])
    cost = budget.estimate(big, "processes", 2)
    assert cost.runs == 2000 and cost.seconds > 10 * 3600 and "h" in cost.line(big.name)
    # The spin-up is simulated too, once per replicate (the arms of a replicate share it): ten years of it add
    # ten years per replicate to the ten reported years of every run.
    _, plain, _ = prepare(["experiment=policy_comparison"])
    _, quick, _ = prepare(["experiment=policy_comparison", "spinup_weeks=0"])
    with_spinup, without = budget.estimate(plain, "processes", 2), budget.estimate(quick, "processes", 2)
    assert with_spinup.spin_ups == plain.replicates and without.spin_ups == 0
    from sim.experiments.kinds import kind_of

    fixed = (budget.STARTUP_S + with_spinup.runs * budget.RUN_OVERHEAD_S / with_spinup.parallel
             + kind_of(plain).analysis_seconds(plain))
    runs = with_spinup.runs
    assert with_spinup.seconds - fixed == pytest.approx((without.seconds - fixed) * (runs + plain.replicates) / runs)
    assert f"{plain.replicates} spin-ups of 520 weeks" in with_spinup.line(plain.name)


# ------------------------------------------------------------------ 10. the study scripts
def study(script, *args):
    return subprocess.run([sys.executable, str(ROOT / "experiments" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=HANG_GUARD_S)


@pytest.mark.parametrize("args,words", [
    (["n_househlds=1000"], ["n_househlds", "n_households"]),
    (["--from", "/nonexistent"], ["--from", "/nonexistent"]),
    (["policy=enforcement"], ["policy", "experiment file"]),
])
def test_10_study_scripts_give_one_line_for_bad_input(args, words):
    for script in ("pemekaran_vs_training.py", "who_gains.py"):
        out = study(script, *args)
        line = error_line(out)
        assert all(w in line for w in words), line


def test_10_who_gains_refuses_a_hysteresis_folder_and_computes_the_gap_change(tmp_path):
    hysteresis = experiment(["experiment=hysteresis", "replicates=1", "steps=5", "burn_in_steps=5", *TINY],
                            tmp_path / "h")
    line = error_line(study("who_gains.py", "--from", str(hysteresis)))
    assert "comparison" in line and "hysteresis" in line
    out = study("who_gains.py", "--replicates", "3", "--steps", "60", "--executor", "serial", "--results-dir",
                str(tmp_path / "c"), *TINY)
    assert out.returncode == 0, out.stderr
    folder = next((tmp_path / "c" / "policy_comparison").iterdir())
    gaps = pd.read_csv(folder / "gap_change.csv").set_index(["policy", "measure", "dimension"])
    effects = pd.read_csv(folder / "summary.csv").set_index(["policy", "outcome"])
    # The shortfall gap (least minus most literate quarter) is what access_gap_literacy measures: the study's
    # change in that gap must be the report's paired effect on it.
    for policy in ("pemekaran", "digital_training"):
        assert gaps.loc[(policy, "shortfall", "literacy"), "change"] == \
            pytest.approx(effects.loc[(policy, "access_gap_literacy"), "effect"], abs=1e-12)
        assert gaps.loc[(policy, "shortfall", "distance"), "change"] == \
            pytest.approx(effects.loc[(policy, "access_gap_distance"), "effect"], abs=1e-12)
    assert "Change in the gap" in out.stdout


# ------------------------------------------------------------------ 11. optional images, Ctrl-C in the report
def test_11_images_are_optional_and_their_failure_is_one_line(tmp_path):
    env = {**os.environ, "BROWSER_PATH": "/bin/false"}
    args = ["experiment=pemekaran_vs_training", "replicates=2", "steps=60", *TINY, "executor=serial"]
    out = cli(*args, f"results_dir={tmp_path / 'a'}", env=env)
    assert out.returncode == 0 and "report: " in out.stdout, out.stderr
    warning = [line for line in out.stderr.splitlines() if line.startswith("figures:")]
    assert len(warning) == 1 and "could not export" in warning[0]
    assert "Traceback" not in out.stderr
    skipped = cli(*args, "images=false", f"results_dir={tmp_path / 'b'}", env=env)
    assert skipped.returncode == 0 and "figures:" not in skipped.stderr
    assert not (next((tmp_path / "b" / "pemekaran_vs_training").iterdir()) / "figures").exists()


def test_11_ctrl_c_while_the_report_is_written_says_how_to_write_it(tmp_path, monkeypatch, capsys):
    import sim.experiments.report
    from sim.experiments.launch import run_from_command_line

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.experiments.report, "build", interrupted)
    with pytest.raises(SystemExit) as stop:
        run_from_command_line(["experiment=pemekaran_vs_training", "replicates=1", "steps=60", *TINY,
                               "executor=serial", f"results_dir={tmp_path}"])
    assert stop.value.code == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and "python -m sim.experiments.report " in err
    assert "interrupted while writing the report" in err


# ------------------------------------------------------------------ 12, 13. interruptions
@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_12_13_ctrl_c_names_the_folder_keeps_counts_true_and_prints_no_tracebacks(tmp_path, executor):
    # Runs from the fourth on wait at a gate until Ctrl-C has reached the experiment, with both workers holding one:
    # it is interrupted among its runs however loaded the machine.
    gate = Gate(tmp_path / "gate", first=3)
    proc = gate.start(["experiment=pemekaran_vs_training", "replicates=6", "steps=104", *TINY,
                       f"executor={executor}", f"results_dir={tmp_path / 'r'}"], stdout=subprocess.PIPE,
                      stderr=subprocess.PIPE, text=True)
    stored = lambda: len(list((tmp_path / "r").glob("pemekaran_vs_training/*/runs/run_*.parquet")))  # noqa: E731
    gate.wait_for(lambda: len(gate.waiting()) >= 2 and stored() >= 3, lambda: proc.poll() is None,
                  "two runs waiting and three stored")
    interrupt(proc, signal.SIGINT)
    gate.release_all()
    _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == 130, err
    folder = next((tmp_path / "r" / "pemekaran_vs_training").iterdir())
    # A run outlasting the progress period (a minute, on a loaded machine) adds progress lines; they say nothing
    # else, and every other line is as strict as ever.
    progress = re.compile(r"^pemekaran_vs_training: \d[\d,]*/24 runs, (\d+h)?\d+m\d\ds(, ETA (\d+h)?\d+m\d\ds)?$")
    lines = [line for line in err.splitlines() if line.strip() and not progress.match(line)]
    assert lines[1] == f"folder: {folder}"                                   # printed before any run
    assert lines[-1].startswith("interrupted: ") and f"resume={folder}" in lines[-1]
    assert len(lines) == 3 and "Traceback" not in err, err
    manifest = json.loads((folder / "manifest.json").read_text())
    files = len(list((folder / "runs").glob("run_*.parquet")))
    assert manifest["status"] == "interrupted" and manifest["runs_completed"] == files > 0


def test_12_a_killed_experiment_leaves_a_current_count(tmp_path):
    # Every run waits at the gate: the test lets them through one at a time until the manifest's count has been
    # rewritten (it is, every few seconds), then kills the experiment while the next one waits.
    gate = Gate(tmp_path / "gate", first=0)
    proc = gate.start(["experiment=pemekaran_vs_training", "replicates=30", "steps=60", *TINY,
                       "executor=serial", f"results_dir={tmp_path}"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL)
    alive = lambda: proc.poll() is None  # noqa: E731
    released: set[int] = set()
    while True:
        gate.wait_for(lambda: gate.waiting() - released, alive, f"run {len(released)} at the gate")
        folders = list((tmp_path / "pemekaran_vs_training").glob("*/manifest.json"))
        if json.loads(folders[0].read_text())["runs_completed"] > 0:
            break
        run = min(gate.waiting() - released)
        gate.release(run)
        released.add(run)
        assert len(released) < 120, "the manifest's count was never rewritten"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=HANG_GUARD_S)
    manifest = json.loads(folders[0].read_text())
    files = len(list(folders[0].parent.glob("runs/run_*.parquet")))
    assert manifest["status"] == "running" and 0 < manifest["runs_completed"] <= files


# ------------------------------------------------------------------ 15. one vocabulary, with units
def test_15_tables_show_units_shares_in_pp_gaps_unscaled_quartiles_1_to_4(tmp_path):
    out = cli("experiment=pemekaran_vs_training", "replicates=1", "steps=60", *TINY, "executor=serial",
              "images=false", f"results_dir={tmp_path}")
    assert out.returncode == 0, out.stderr
    folder = next((tmp_path / "pemekaran_vs_training").iterdir())
    shown = out.stdout
    assert "paid dependence (pp)" in shown and "literacy access gap (index pts)" in shown and "fees (Rp/hh/yr)" in shown
    assert "nan" not in out.stdout and "(no CI)" in out.stdout              # one replicate: no interval
    summary = pd.read_csv(folder / "summary.csv").set_index(["policy", "outcome"])
    gap = summary.loc[("pemekaran", "access_gap_literacy")]
    assert gap["unit"] == "shortfall index difference"
    # One row per outcome, one column per policy (pemekaran first, as in the experiment file).
    header = next(line for line in out.stdout.splitlines() if line.startswith("┃ outcome"))
    assert [c.strip() for c in header.strip("┃").split("┃")][1] == "pemekaran"

    def pemekaran_cell(label):
        row = next(line for line in out.stdout.splitlines() if line.startswith(f"│ {label} "))
        return [c.strip() for c in row.strip("│").split("│")][1].split()[0]

    assert pemekaran_cell("literacy access gap") == \
        f"{gap['effect']:+.3f}".replace("+0.000", "0.000").replace("-0.000", "0.000")
    paid = summary.loc[("pemekaran", "paid_dependence_share"), "effect"]
    assert pemekaran_cell("paid dependence") == f"{100 * paid:+.1f}".replace("+0.0", "0.0").replace("-0.0", "0.0")
    runs = pd.read_parquet(folder / "runs.parquet")
    assert {"paid_dependence_share_literacy_q1", "shortfall_income_q4"} <= set(runs.columns)
    assert not any(c.endswith("_q0") for c in runs.columns)
    from sim.core.outcomes import outcomes_markdown
    assert (ROOT / "docs" / "outcomes.md").read_text() == outcomes_markdown()


# ------------------------------------------------------------------ 16. figures that do not mislead
def test_16_report_figures_on_their_plotly_json(tmp_path):
    from sim.experiments import analysis
    from sim.experiments import report as r

    folder = experiment(["experiment=pemekaran_vs_training", "replicates=2", "steps=60", *TINY], tmp_path)
    r.build(folder, write_images=False, quiet=True)
    runs = pd.read_parquet(folder / "runs.parquet")
    series = pd.read_parquet(folder / "timeseries.parquet")
    traj = r.trajectories(runs, series, ["none", "pemekaran"], r.policy_start_week(runs, ["pemekaran"])).to_dict()
    assert traj["layout"]["yaxis"]["rangemode"] == "tozero"                      # paid dependence from 0
    assert traj["layout"]["yaxis"]["title"]["text"] == "paid dependence (%)"
    assert any(s.get("x0") == 1.0 for s in traj["layout"]["shapes"])           # policies start in week 52
    bands = [t for t in traj["data"] if t.get("fill") == "toself"]
    assert bands and all(t["mode"] == "lines" for t in bands)
    html = (folder / "report.html").read_text()
    assert "<b>access shortfall</b>" in html and "<table" in html and "paid dependence (pp)" in html
    effects = r.effects_figure(analysis.paired_effects(runs, "none"), ["pemekaran"]).to_dict()
    assert effects["layout"]["xaxis"]["title"]["text"] == "change in paid dependence (pp)"
    hysteresis = experiment(["experiment=hysteresis", "replicates=2", "steps=5", "burn_in_steps=5", *TINY],
                            tmp_path / "h")
    summary = analysis.hysteresis_summary(prepare(["experiment=hysteresis"])[1],
                                          pd.read_parquet(hysteresis / "runs.parquet"))
    fig = r.hysteresis_figure(summary).to_dict()
    assert all(t["mode"] == "lines" for t in fig["data"] if t.get("fill") == "toself")
    morris = pd.DataFrame({"parameter": ["network_cross_hamlet_share", "trust_weight"], "mu_star": [0.1, 0.05],
                           "mu_star_conf": [0.01, 0.01], "sigma": [0.02, 0.01], "outcome": "brokered_share"})
    layout = r.morris_figure(morris).to_dict()["layout"]
    assert layout["margin"]["l"] >= 200 and layout["yaxis"]["automargin"] is True


# ------------------------------------------------------------------ 17. reproducing a folder
def test_17_a_folder_reruns_to_identical_tables_and_its_spec_is_a_valid_file(tmp_path):
    first = experiment(["experiment=pemekaran_vs_training", "replicates=2", "steps=60", *TINY, "seed=5"],
                       tmp_path / "a")
    out = cli(f"rerun={first}", "executor=serial", "images=false", f"results_dir={tmp_path / 'b'}")
    assert out.returncode == 0, out.stderr
    again = next((tmp_path / "b" / "pemekaran_vs_training").iterdir())
    for name in ("design.parquet", "runs.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(first / name), pd.read_parquet(again / name), check_exact=True)
    assert json.loads((again / "manifest.json").read_text())["master_seed"] == \
        json.loads((first / "manifest.json").read_text())["master_seed"]
    _, spec, _ = prepare([f"experiment={first / 'experiment.json'}"])
    assert spec.name == "pemekaran_vs_training" and spec.steps == 60
    page = (ROOT / "docs" / "experiments.md").read_text()
    assert "rerun=" in page and "## Experiment files" in page


# ------------------------------------------------------------------ 18. outputs labelled right
def test_18_outputs_say_what_applies(tmp_path):
    from sim.core.geography import KECAMATAN, km_from_brebes
    from sim.simulation import run_scenario

    one = run_scenario(steps=3, n_households=100)
    seat = next(k for k in KECAMATAN if k.name == "Bantarkawung")
    assert (one.villages.loc[0, "x_km"], one.villages.loc[0, "y_km"]) == pytest.approx(km_from_brebes(seat.lat,
                                                                                                      seat.lon))
    regency = run_scenario("brebes", steps=3, n_households=3000)
    assert not {"dist_regency_km", "dist_kecamatan_km", "dist_new_seat_km"} & set(regency.params)
    assert "dist_regency_km" in one.params
    page = (ROOT / "docs" / "experiments.md").read_text()
    assert "`villages/`, `kecamatan/`" in page
    with pytest.raises(ConfigError, match="burn_in_steps"):
        prepare(["experiment=policy_comparison", "burn_in_steps=10"])
    _, spec, _ = prepare(["experiment=hysteresis", "burn_in_steps=7"])
    assert spec.burn_in_steps == 7


def test_comparison_designs_keep_pairs_whatever_the_arms(tmp_path):
    _, spec, _ = prepare(["experiment=policy_comparison", "replicates=4", "digital_training_intensity=0.3"])
    from sim.experiments import design as designs

    table = designs.initial(spec, 11)
    seeds = table.pivot(index="replicate", columns="policy", values="seed")
    assert (seeds.nunique(axis=1) == 1).all() and seeds.iloc[:, 0].nunique() == 4
    assert np.isnan(table.loc[table.policy == "none", "digital_training_intensity"]).all()
