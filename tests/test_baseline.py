"""The model's behaviour, pinned bit for bit (``tests/baseline.json``, written by ``tools/baseline.py --update``).

A change that must not alter results (restructuring, speed) keeps this test green; a deliberate model change
regenerates the file with that command, in the same commit, saying why.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import baseline  # noqa: E402

PINNED = json.loads((ROOT / "tests" / "baseline.json").read_text())


@pytest.mark.parametrize("case", PINNED, ids=[f"{c['scenario']}-{c['policy']}-seed{c['seed']}" for c in PINNED])
def test_results_are_bit_for_bit_the_pinned_ones(case):
    settings = {k: case[k] for k in ("scenario", "policy", "seed", "steps", "n_households")}
    assert baseline.differences([case], [baseline.run_case(settings)]) == []


def test_the_pinned_cases_are_the_tool_s_cases():
    assert [{k: c[k] for k in ("scenario", "policy", "seed", "steps", "n_households")} for c in PINNED] == \
        baseline.CASES


def test_a_changed_result_is_reported():
    case = dict(PINNED[0])
    changed = {**case, "outcomes": {**case["outcomes"], "brokered_share": case["outcomes"]["brokered_share"] + 1e-15},
               "timeseries": "0" * 64}
    found = baseline.differences([case], [changed])
    assert any("brokered_share" in line for line in found) and any("timeseries differ" in line for line in found)
