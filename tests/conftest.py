import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import run_seeds  # noqa: E402


@pytest.fixture(scope="session")
def baseline_runs():
    """Twenty seeds of the default scenario, 10 years, no policy."""
    return run_seeds("none")


@pytest.fixture(scope="session")
def policy_runs():
    """Twenty seeds, 10 years, of each single policy (same seeds as the baseline)."""
    from sim.registry import POLICY_NAMES

    return {policy: run_seeds(policy) for policy in POLICY_NAMES}
