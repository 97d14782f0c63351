"""The regency against every calibration target (``sim/targets.py``, ``docs/calibration.md``): the mean over four
seeds of each target's model quantity lies in its band. Four seeds of the whole regency (each with its Bangbayang
runs) take about three minutes on two cores; the regency's own seed-to-seed spread is small (its 297 villages
average over each other), so the bands, not the seeds, decide."""

import sys
from pathlib import Path

import numpy as np
import pytest

from sim.targets import TARGETS, Target, markdown

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import targets as tool  # noqa: E402

SEEDS = 4


@pytest.fixture(scope="module")
def measured():
    return tool.measured(SEEDS, workers=2)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=[t.key for t in TARGETS])
def test_the_regency_meets_the_target(measured, target: Target):
    values = measured[target.key]
    assert np.isfinite(values).all(), values
    assert target.holds(values.mean()), (target.key, target.band(), values)


def test_the_calibration_page_is_the_declarations():
    assert (ROOT / "docs" / "calibration.md").read_text() == markdown()


def test_a_band_says_what_it_holds():
    t = next(t for t in TARGETS if t.key == "registry_paid")
    assert t.holds(0.31) and not t.holds(0.40) and not t.holds(0.20)
    assert t.band() == "23%–39%"
    at_most = next(t for t in TARGETS if t.key == "assistance_exclusion")
    assert at_most.holds(0.0) and not at_most.holds(0.18) and at_most.band() == "at most 17%"
