"""The maintenance tools: the mutation check stays applicable and refuses what would make its score meaningless; the
paired-noise measure sees no effect where a lever does not reach."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import mutants  # noqa: E402


def test_every_mutant_still_applies_to_exactly_one_place():
    for m in mutants.MUTANTS:
        text = (ROOT / m.path).read_text()
        assert text.count(m.old) == 1, (m.name, m.path)
        assert m.new != m.old, m.name
    assert len({m.name for m in mutants.MUTANTS}) == len(mutants.MUTANTS)


def test_the_mutation_check_refuses_test_files_that_do_not_exist():
    # Mutant names after --tests would be taken for test files: pytest then collects nothing, which must never
    # count as a caught mutant.
    done = subprocess.run([sys.executable, "tools/mutants.py", "--tests", "tests/test_gatekeeping.py",
                           "fee_seekers_coach"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "no such test file: fee_seekers_coach" in done.stderr
    assert "CAUGHT" not in done.stdout


def test_a_pytest_run_that_fails_no_test_is_not_a_catch():
    status, detail, _ = mutants.run(mutants.MUTANTS[0], ["tests/test_tools.py::no_such_test"], timeout=300)
    assert status == "ERROR" and "without a failed test" in detail, (status, detail)


@pytest.mark.slow
def test_a_mutant_whose_tests_never_finish_is_timed_out_not_caught(monkeypatch, capsys):
    # A slow machine turns a surviving mutant into a timeout: that must never score as a catch.
    status, detail, _ = mutants.run(mutants.MUTANTS[0], ["tests/faults/never_finishes.py"], timeout=20)
    assert status == "TIMEOUT" and detail == "no result within 20 s (raise --timeout)", (status, detail)
    results = {"a": ("CAUGHT", "tests/x.py::t", 1.0), "b": (status, detail, 20.0), "c": ("SURVIVED", "", 1.0),
               "d": ("STALE", "", 0.0), "e": ("ERROR", "", 1.0)}
    assert mutants.summary(results, 5) == ("mutation score: 1/5 caught; 1 survived, 1 timed out, 1 no longer apply, "
                                           "1 errors")
    monkeypatch.setattr(mutants, "run", lambda m, tests, timeout: ("TIMEOUT", "no result within 1 s", 1.0))
    assert mutants.main([mutants.MUTANTS[0].name, mutants.MUTANTS[1].name]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "mutation score: 0/2 caught; 0 survived, 2 timed out, 0 no longer apply, 0 errors"
    assert "CAUGHT" not in out
    monkeypatch.setattr(mutants, "run", lambda m, tests, timeout: ("CAUGHT", "tests/x.py::t", 1.0))
    assert mutants.main([mutants.MUTANTS[0].name]) == 0


def test_paired_noise_finds_no_effect_where_pemekaran_does_not_reach(capsys):
    from paired_noise import main

    main(["--scenario", "brebes", "--n-households", "2970", "--policies", "pemekaran", "--seeds", "0", "2",
          "--steps", "70", "--jobs", "1"])   # the lever acts from week 52
    out = capsys.readouterr().out
    assert "seeds 0-1 (2)" in out
    assert "largest effect in a northern kecamatan 0.00, in a northern village 0.00" in out
    row = next(line for line in out.splitlines() if line.startswith("pemekaran"))
    mean, sd, se, replicates = row.split()[1:5]
    assert float(sd) > 0 and int(replicates) >= 1          # the south moves, differently by seed
