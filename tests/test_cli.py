"""The command line: a good run writes its tables; bad input gives one clear line and writes nothing."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from gate import HANG_GUARD_S

from sim.core.outcomes import OUTCOME_NAMES
from sim.params.registry import PARAMS

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, results: Path):
    return subprocess.run([sys.executable, "-m", "sim", *args, f"results_dir={results}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=HANG_GUARD_S)


def test_a_run_writes_its_tables(tmp_path):
    out = run_cli("scenario=bangbayang", "policy=pemekaran", "seed=3", "steps=30", "n_households=300",
                  "tie_gain=0.4", results=tmp_path)
    assert out.returncode == 0, out.stderr
    folders = list((tmp_path / "bangbayang" / "pemekaran" / "seed3").iterdir())
    assert len(folders) == 1
    row = pd.read_csv(folders[0] / "outcomes.csv")
    assert len(row) == 1
    assert row.loc[0, "seed"] == 3 and row.loc[0, "policy"] == "pemekaran"
    assert row.loc[0, "tie_gain"] == 0.4 and row.loc[0, "n_households"] == 300   # overrides took effect
    assert set(OUTCOME_NAMES) <= set(row.columns) and set(PARAMS) <= set(row.columns)
    series = pd.read_csv(folders[0] / "timeseries.csv")
    assert len(series) == 30 and set(OUTCOME_NAMES) <= set(series.columns)
    assert "brokered_share" in out.stdout
    assert not list(folders[0].glob("*.tmp"))


BAD = [
    (["n_households=5"], ["n_households", "5", "from 10 to 5,000,000"]),
    (["tie_gain=1.7"], ["tie_gain", "1.7", "from 0 to 1"]),
    (["n_households=abc"], ["n_households", "abc", "integer"]),
    (["literacy_mean=high"], ["literacy_mean", "high", "a number"]),
    (["training_targeted=maybe"], ["training_targeted", "maybe", "true or false"]),
    (["no_such_param=1"], ["no_such_param", "the allowed parameters are listed in", "docs/parameters.md"]),
    (["+no_such_param=1"], ["no_such_param", "allowed"]),
    (["+seed=4"], ["seed", "4", "without '+'"]),
    (["~seed"], ["seed", "cannot be deleted"]),
    (["tie_gian=0.3"], ["tie_gian", "tie_gain"]),
    (["scenario=atlantis"], ["scenario", "atlantis", "bangbayang"]),
    (["policy=magic"], ["policy", "magic", "pemekaran", "digital_training"]),
    (["policy=pemekaran+magic"], ["policy", "pemekaran+magic"]),
    (["seed=-1"], ["seed", "-1", "from 0"]),
    (["steps=0"], ["steps", "0"]),
    (["faction_current_share=0.8", "faction_former_share=0.5"], ["faction_current_share", "at most 1"]),
    (["scenario=brebes", "dist_regency_km=30"], ["dist_regency_km", "30", "one-village scenario"]),
    (["scenario=brebes", "n_households=100"], ["n_households", "100", "at least 2,970"]),
    (["experiment=sensitivity", "morris.trajectories=4"], ["morris.trajectories=4", "a key of the experiment file"]),
]


def test_a_long_title_is_one_line(tmp_path):
    out = run_cli("scenario=bangbayang_after_election", "policy=pemekaran+digital_training", "steps=2",
                  "n_households=200", results=tmp_path)
    assert out.returncode == 0, out.stderr
    title = "bangbayang_after_election · policy pemekaran+digital_training · seed 0 · 2 weeks (final year)"
    assert out.stdout.splitlines()[0] == title


@pytest.mark.parametrize("args,words", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_clear_line_and_writes_nothing(tmp_path, args, words):
    results = tmp_path / "results"
    out = run_cli(*args, results=results)
    assert out.returncode != 0
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: ")
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "Traceback" not in out.stderr + out.stdout
    assert not results.exists()


def test_a_sweep_with_one_bad_value_writes_nothing(tmp_path):
    results = tmp_path / "results"
    out = run_cli("--multirun", "seed=1,-2", results=results)
    assert out.returncode != 0 and "seed=-2" in out.stderr
    assert not results.exists()


def test_hydra_flags_with_values_pass_through(tmp_path):
    out = run_cli("--cfg", "job", "seed=4", "tie_gain=0.2", results=tmp_path / "r")
    assert out.returncode == 0, out.stderr
    assert "seed: 4" in out.stdout and "tie_gain: 0.2" in out.stdout


def test_no_python_312_gives_a_clear_message():
    out = subprocess.run(["/bin/bash", str(ROOT / "tools" / "find_python.sh")], env={"PATH": "/nonexistent"},
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert "No Python >= 3.12 found" in out.stderr and "PYTHON=" in out.stderr


def test_a_single_run_resolves_and_validates_its_parameters_once(tmp_path):
    # The command line's check resolves them before Hydra starts; the run and its model take that result.
    script = (
        "import atexit, runpy, sys\n"
        "import sim.params.scenarios as scenarios\n"
        "calls = []\n"
        "validate = scenarios.validate\n"
        "scenarios.validate = lambda values: calls.append(1) or validate(values)\n"
        "atexit.register(lambda: print('validations:', len(calls)))\n"
        f"sys.argv = ['sim', 'seed=2', 'steps=3', 'n_households=100', 'spinup_weeks=2', 'results_dir={tmp_path}']\n"
        "runpy.run_module('sim', run_name='__main__', alter_sys=True)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "tables written to" in out.stdout and "validations: 1" in out.stdout, out.stdout
