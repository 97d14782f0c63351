"""The maintenance tools: the mutation check stays applicable and refuses what would make its score meaningless."""

import subprocess
import sys
from pathlib import Path

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
