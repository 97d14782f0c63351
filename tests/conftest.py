import os
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
    from sim.params.registry import POLICY_NAMES

    return {policy: run_seeds(policy) for policy in POLICY_NAMES}


def under_ci() -> bool:
    """CI=true (as CI services set it): what a newcomer may skip must run there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def chromium():
    """Path of the Chromium the browser tests and figure export drive.

    Without one the tests that need it are skipped with the reason and the command that fixes it, never
    reported as errors; under CI=true a missing browser fails them instead.
    """
    from sim.shell.browser import find_chromium, missing_reason

    path = find_chromium()
    if path is None:
        if under_ci():
            pytest.fail(f"CI=true and {missing_reason()}", pytrace=False)
        pytest.skip(missing_reason())
    return path


@pytest.fixture(scope="module")
def slurm():
    """A one-node Slurm on 127.0.0.1 (munged, slurmctld, slurmd) from a slurm.conf generated for this host in a
    temporary folder (tests/slurm_local.py); every daemon and job it started is stopped afterwards.

    Without root or without Debian's slurm-wlm and munge (or dask-jobqueue) the tests that need it are skipped
    with the reason and the command that fixes it; under CI=true they fail instead.
    """
    from slurm_local import LocalSlurm, missing_reason

    reason = missing_reason()
    if reason is not None:
        if under_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = LocalSlurm()
    try:
        yield cluster
    finally:
        cluster.stop()
    daemons = [name for name, proc in cluster.procs.items() if proc.poll() is None]
    assert not daemons and not cluster.leftover_pids(), f"still running after stop: {daemons}"
