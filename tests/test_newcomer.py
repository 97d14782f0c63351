"""A newcomer's first hour: the browser where the set-up can provide it, quiet and bounded single runs,
designs that are valid by construction, and a failed run that says what happened and what to do."""

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gate import HANG_GUARD_S
from helpers import read_terminal

from sim.core.outcomes import ALL_OUTCOME_NAMES
from sim.errors import ConfigError
from sim.experiments import design as designs
from sim.experiments.kinds.sensitivity import sobol_stage
from sim.experiments.launch import prepare
from sim.experiments.spec import available
from sim.params.registry import MAX_STEPS, PARAMS, SHARE_GROUPS, validate
from sim.shell.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
NO_BROWSER = "/nonexistent/chromium"


def env_with(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "BROWSER_PATH")}
    env.update(changes)
    return env


# ------------------------------------------------------------------ 2. the browser
def test_one_lookup_finds_any_of_the_browser_names(tmp_path, monkeypatch):
    from sim.shell.browser import find_chromium

    fake = tmp_path / "chromium-browser"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(fake)
    monkeypatch.setenv("BROWSER_PATH", NO_BROWSER)
    assert find_chromium() is None
    # Nobody looks for a browser by name but sim.shell.browser.
    for path in [*ROOT.glob("sim/**/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("benchmarks/*.py"),
                 *ROOT.glob("tools/*.py")]:
        if path.name not in ("browser.py", "test_newcomer.py"):
            assert 'which("chromium' not in path.read_text(), path


def _pytest_browser_tests(env):
    return subprocess.run([sys.executable, "-m", "pytest", "tests/test_viz_browser.py", "-q", "-rs", "-p",
                           "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)


def test_without_a_browser_the_browser_tests_are_skipped_with_the_reason_and_the_fix():
    out = _pytest_browser_tests(env_with(BROWSER_PATH=NO_BROWSER))
    assert out.returncode == 0, out.stdout + out.stderr
    summary = out.stdout.strip().splitlines()[-1]
    assert "skipped" in summary and "error" not in summary and "passed" not in summary, summary
    assert "apt-get install chromium" in out.stdout


def test_under_ci_a_missing_browser_fails():
    out = _pytest_browser_tests(env_with(BROWSER_PATH=NO_BROWSER, CI="true"))
    assert out.returncode != 0
    assert "CI=true" in out.stdout and "skipped" not in out.stdout.strip().splitlines()[-1]


def test_setup_says_what_is_missing_in_one_line_and_fails_only_under_ci(tmp_path):
    script = [str(ROOT / "tools" / "ensure_browser.sh"), sys.executable]
    quiet = subprocess.run(script, env=env_with(BROWSER_PATH=sys.executable), capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""     # found: nothing to say
    missing = subprocess.run(script, env=env_with(BROWSER_PATH=NO_BROWSER, BROWSER_INSTALL="no"),
                             capture_output=True, text=True)
    assert missing.returncode == 0
    lines = missing.stdout.strip().splitlines()
    assert len(lines) == 1 and "apt-get install chromium" in lines[0] and "skipped" in lines[0], missing.stdout
    ci = subprocess.run(script, env=env_with(BROWSER_PATH=NO_BROWSER, BROWSER_INSTALL="no", CI="true"),
                        capture_output=True, text=True)
    assert ci.returncode == 1 and "CI=true" in ci.stderr


@pytest.fixture(scope="module")
def tiny_comparison(tmp_path_factory):
    from sim.experiments.executors import RunSettings
    from sim.experiments.runner import run_experiment

    _, spec, _ = prepare(["experiment=pemekaran_vs_training", "replicates=2", "steps=60", "n_households=200"])
    return run_experiment(spec, 0, RunSettings("serial", workers=1, results_dir=tmp_path_factory.mktemp("results"),
                                               progress=False))


@pytest.mark.parametrize("browser,words", [(NO_BROWSER, "apt-get install chromium"),
                                           ("/bin/false", "could not export them")])
def test_a_report_without_a_working_browser_is_complete_and_says_why_in_one_line(tiny_comparison, browser, words):
    folder = tiny_comparison
    (folder / "report.html").unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-m", "sim.experiments.report", str(folder)], cwd=ROOT, capture_output=True,
                         text=True, timeout=HANG_GUARD_S, env=env_with(BROWSER_PATH=browser))
    assert out.returncode == 0, out.stderr
    assert (folder / "report.html").is_file() and not list((folder / "figures").glob("*.png"))
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("figures: no PNG/SVG images") and words in lines[0], lines
    assert not list(folder.rglob("*.tmp"))


# ------------------------------------------------------------------ 3. a quiet single run
def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=HANG_GUARD_S, **kw)


def test_a_single_run_prints_its_table_and_where_it_wrote_and_nothing_else(tmp_path):
    out = run_cli("policy=pemekaran", "seed=3", "steps=60", f"results_dir={tmp_path}")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    lines = out.stdout.strip().splitlines()
    assert "Step" not in out.stdout and "INFO" not in out.stdout and "MESA" not in out.stdout
    assert lines[-1].startswith("tables written to ") and "brokered_share" in out.stdout
    # The table: a title (two lines at this width), its frame and header (four lines), a row per outcome; then
    # the path. Anything more is noise.
    rows = [line for line in lines if line.startswith("│")]
    assert len(rows) == len(ALL_OUTCOME_NAMES) and len(lines) <= len(rows) + 8, lines
    folder = Path(lines[-1].removeprefix("tables written to "))
    assert folder.is_dir() and not list(folder.rglob("*.log"))
    loud = run_cli("seed=3", "steps=5", "verbose=true", f"results_dir={tmp_path}")
    assert loud.returncode == 0 and "Step" in loud.stderr


# ------------------------------------------------------------------ 4. bounded steps, and a progress bar
@pytest.mark.parametrize("value", ["99999999999", str(MAX_STEPS + 1), "0", "1.5"])
def test_absurd_steps_are_one_error_line(tmp_path, value):
    out = run_cli(f"steps={value}", f"results_dir={tmp_path / 'r'}")
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert lines[0].startswith("error: steps=") and f"to {MAX_STEPS:,}" in lines[0] and "weeks" in lines[0]
    assert not (tmp_path / "r").exists()


def test_steps_bound_is_in_the_registry_and_the_docs():
    from sim.params.registry import STEPS

    assert STEPS.high == MAX_STEPS and STEPS.unit == "weeks"
    assert "| `steps` | int | 520 | 1 – 5,200 | weeks |" in (ROOT / "docs" / "parameters.md").read_text()
    with pytest.raises(ConfigError, match="steps"):
        prepare(["experiment=policy_comparison", f"steps={MAX_STEPS + 1}"])


def test_a_long_single_run_shows_a_progress_bar_with_an_eta_on_a_terminal(tmp_path):
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "steps=4000", f"results_dir={tmp_path}"], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = read_terminal(master, HANG_GUARD_S, done=lambda: proc.poll() is not None)
    proc.wait(timeout=HANG_GUARD_S)
    text = seen.decode(errors="replace")
    assert proc.returncode == 0
    assert "ETA" in text and "/4000" in text and "weeks" in text, text[-500:]


def test_progress_in_a_log_is_a_line_now_and_then_with_an_eta():
    stream = io.StringIO()
    bar = Progress(10, "demo", unit="runs", lines=True, every_s=0.0, stream=stream)
    for _ in range(4):
        bar.advance()
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("demo: 1/10 runs") and "ETA" in lines[0]
    assert lines[-2].startswith("demo: 4/10 runs") and lines[-1].startswith("demo: 4/10 runs")   # and at the end
    short = io.StringIO()
    brief = Progress(10, "demo", lines=True, every_s=60.0, stream=short)   # done before the first line is due
    brief.advance()
    brief.close()
    assert short.getvalue() == ""
    silent = io.StringIO()
    quiet = Progress(10, "demo", stream=silent)            # not a terminal, no lines asked for
    quiet.advance()
    quiet.close()
    assert silent.getvalue() == ""


# ------------------------------------------------------------------ 5. designs valid by construction
@pytest.mark.parametrize("name", available())
@pytest.mark.parametrize("master_seed", [0, 1, 7])
def test_every_shipped_experiment_default_design_is_valid_in_every_row(name, master_seed):
    _, spec, _ = prepare([f"experiment={name}"])
    design = designs.initial(spec, master_seed)
    designs.validate(spec, design)
    if spec.kind == "sensitivity":
        # The Sobol stage's parameters depend on the Morris results: check the hardest case, all of them.
        every = spec.uncertainty_names()
        stage2 = sobol_stage(spec, master_seed, every, start=len(design))
        designs.validate(spec, stage2)
        assert len(design) == spec.morris.trajectories * (len(every) + 1) * spec.replicates


def test_shares_are_sampled_within_what_the_others_leave_and_cover_it():
    from SALib.sample import morris as morris_sample

    _, spec, _ = prepare(["experiment=sensitivity"])
    names = spec.uncertainty_names()
    problem = designs.sensitivity_problem(names)
    raw = morris_sample.sample(problem, 50, num_levels=4, seed=3)
    (a, b), = SHARE_GROUPS
    raw_sum = raw[:, names.index(a)] + raw[:, names.index(b)]
    assert (raw_sum > 1).any()            # the sampler alone produces invalid rows: the mapping is needed
    rows = pd.DataFrame(designs.param_rows(names, raw, designs.fixed_values(spec)))
    total = rows[a] + rows[b]
    assert (total <= 1 + 1e-12).all()
    # Where nothing constrains it the second share keeps its sampled value; at the top it fills the room.
    free = raw_sum <= 1 - 1e-9
    low, high = PARAMS[b].sweep_range
    top = raw[:, names.index(b)] == high
    assert np.allclose(rows.loc[top, b], np.minimum(high, 1 - rows.loc[top, a]))
    assert rows[b].min() == pytest.approx(low)
    assert not np.allclose(rows.loc[free, b], raw[free, names.index(b)])   # mapped, not clipped


def test_latin_hypercube_rows_are_valid_and_stratified():
    _, spec, _ = prepare(["experiment=sensitivity"])
    names = spec.uncertainty_names()
    rows = designs.latin_hypercube(names, 200, seed=0, fixed=designs.fixed_values(spec))
    base = designs.fixed_values(spec)
    for row in rows:
        validate({**base, **row})
    # One sample in each of the 200 strata of a parameter no constraint touches.
    low, high = PARAMS["tie_gain"].sweep_range
    strata = np.floor((np.array([r["tie_gain"] for r in rows]) - low) / (high - low) * 200).astype(int)
    assert sorted(np.minimum(strata, 199)) == list(range(200))
    assert rows == designs.latin_hypercube(names, 200, seed=0, fixed=base)


def test_an_invalid_design_row_is_refused_before_anything_runs(tmp_path):
    _, spec, _ = prepare(["experiment=policy_comparison", "replicates=2"])
    design = designs.initial(spec, 0)
    design["faction_former_share"] = 0.3
    design.loc[5, "faction_former_share"] = 0.7            # with 0.45 current: a sum of 1.15
    with pytest.raises(ConfigError, match="design run 5.*at most 1"):
        designs.validate(spec, design)


def test_sobol_analysis_is_reproducible_with_master_seed_zero():
    from sim.experiments.analysis import sobol_indices

    _, spec, _ = prepare(["experiment=sensitivity"])
    top = ["trust_weight", "moral_cost_entrust"]
    stage = sobol_stage(spec, 0, top, start=0)
    rng = np.random.default_rng(1)
    runs = stage.assign(brokered_share=rng.random(len(stage)), policy="none")
    import sim.experiments.analysis as analysis

    original = analysis.sobol_names
    analysis.sobol_names = lambda runs, spec, seed: top
    try:
        first, second = sobol_indices(spec, runs, 0, "brokered_share"), sobol_indices(spec, runs, 0, "brokered_share")
    finally:
        analysis.sobol_names = original
    pd.testing.assert_frame_equal(first, second, check_exact=True)


# ------------------------------------------------------------------ 6. a failed run
def _bad_design(monkeypatch, bad_run: int):
    """Make the next design hold one invalid run (and let it through the check, as a bug would)."""
    original = designs.initial

    def initial(spec, master_seed):
        design = original(spec, master_seed)
        design["faction_former_share"] = 0.3
        design.loc[bad_run, "faction_former_share"] = 0.7
        return design

    monkeypatch.setattr(designs, "initial", initial)
    monkeypatch.setattr(designs, "validate", lambda spec, design: None)


@pytest.mark.parametrize("executor", ["serial", "processes", "dask"])
def test_a_failed_run_leaves_a_failed_manifest_and_says_what_to_do(tmp_path, monkeypatch, capfd, executor):
    from sim.experiments.launch import run_from_command_line

    _bad_design(monkeypatch, bad_run=4)
    with pytest.raises(SystemExit) as stop:
        run_from_command_line(["experiment=pemekaran_vs_training", "replicates=3", "steps=60", "n_households=100",
                               f"executor={executor}", "workers=2", f"results_dir={tmp_path}"])
    assert stop.value.code == 1
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    # What the experiment says before it starts (notes, its size, its folder), then one line: no worker
    # tracebacks, whatever the executor.
    before = [line for line in lines[:-1] if not line.startswith(("note: ", "experiment ", "folder: "))]
    assert before == [], err
    line = lines[-1]
    assert line.startswith("error: run 4 of 12 failed (ConfigError:") and "failed_run" in line
    assert "resume= cannot finish it" in line
    folder, = (tmp_path / "pemekaran_vs_training").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert manifest["failed_run"]["run_id"] == 4
    assert manifest["failed_run"]["inputs"]["faction_former_share"] == 0.7
    assert "at most 1" in manifest["failed_run"]["error"]
    # Serially, every run before it has finished and is kept (the groups that share a spin-up run first: run 4
    # cannot be resolved, so it runs alone, after them); in parallel, those in flight finish, none starts.
    finished = len(list((folder / "runs").glob("run_*.parquet")))
    assert manifest["runs_completed"] == finished and finished >= (4 if executor == "serial" else 0)
    assert not (folder / "runs" / "run_000004.parquet").exists()
