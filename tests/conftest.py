import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import run_seeds  # noqa: E402

# The quick tier (``make quick``: ``pytest -m "not slow"``) for the edit-test loop leaves out the slow tests:
# whole files that drive a browser, a cluster, experiments in subprocesses or the documentation build; tests that
# use the many-seed fixtures or a whole experiment's folder; and tests marked ``slow`` one by one (those that took
# more than about six seconds). ``make test`` and CI run everything.
SLOW_FILES = {"test_experiments.py", "test_viz_browser.py", "test_trust.py", "test_targets.py", "test_outputs.py",
              "test_slurm.py", "test_dask.py", "test_tutorial.py", "test_newcomer.py", "test_make.py", "test_docs.py",
              "test_ema.py", "test_drivers.py"}
SLOW_FIXTURES = {"baseline_runs", "policy_runs", "chromium", "slurm", "serial_exploration", "regency_exploration",
                 "comparison_folder", "arms", "regency"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_FILES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
