"""Holding an experiment's runs at a gate, so that a test interrupts or kills it at a known moment, never after a
guess of how long a run takes.

A gated experiment runs as usual except that every run after the first ``first`` to reach the gate, wherever it
runs (this process, a pool worker, a Dask worker), waits before it computes until the test releases it, and says
it is waiting with a file ``waiting_<run id>`` in the gate's folder. Runs reach the gate in the order the
executor starts them (a group's runs together, after its spin-up: ``sim.experiments.jobs.Group``), and each takes
a numbered ticket as it arrives (a file created exclusively: two processes never take the same). A test therefore
waits for events: "a run is waiting" means ``first`` runs have been let through — finished and stored (serially),
or stored or in flight (in parallel); a signal sent then lands among the runs whatever the machine's load, and the
experiment cannot finish before it.

* ``Gate(folder, first).start(args)`` — ``python -m sim <args>`` gated (a subprocess in its own session);
* ``Gate.env()`` — the environment a gated process needs (for the processes of a Dask cluster);
* ``install()`` — gate the executors of this process (a test that runs an experiment in a thread).

Released runs: ``release(run_id)`` or ``release_all()``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sim.experiments import jobs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HANG_GUARD_S = 600      # only against a hang: every wait ends on an event long before


# ---------------------------------------------------------------- in the gated processes
def _ticket(gate: Path) -> int:
    """This run's place in the order of arrival at the gate."""
    n = len(list(gate.glob("ticket_*")))
    while True:
        try:
            os.close(os.open(gate / f"ticket_{n}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return n
        except FileExistsError:
            n += 1


def _hold(run_id: int) -> None:
    folder = os.environ.get("SIM_TEST_GATE")
    if not folder:
        return
    gate = Path(folder)
    if _ticket(gate) < int(os.environ.get("SIM_TEST_GATE_FROM", "0")):
        return
    (gate / f"waiting_{run_id}").touch()
    while not ((gate / f"release_{run_id}").exists() or (gate / "release_all").exists()):
        time.sleep(0.01)


def gated_compute(job, *spin_up):
    """``jobs.compute`` once the gate lets the run through (what a Dask worker runs)."""
    _hold(job.run_id)
    return jobs.compute(job, *spin_up)


def gated_compute_and_store(job, *spin_up):
    """``jobs.compute_and_store`` once the gate lets the run through (serial and pool workers)."""
    _hold(job.run_id)
    return jobs.compute_and_store(job, *spin_up)


def install() -> None:
    """Gate the executors of this process (functions pickled by reference: workers import this module)."""
    import sim.experiments.executors as executors

    executors.compute = gated_compute
    executors.compute_and_store = gated_compute_and_store


def main() -> None:
    """``python -c 'import gate; gate.main()' <overrides>``: ``python -m sim <overrides>`` with the gate."""
    install()
    from sim.__main__ import main as sim_main

    sys.argv = ["sim", *sys.argv[1:]]
    sim_main()


# ---------------------------------------------------------------- in the test
class Gate:
    """A gate in ``folder`` letting the first ``first`` runs to arrive through and holding every later one."""

    def __init__(self, folder: Path, first: int):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.first = first

    def env(self, **extra) -> dict:
        path = os.pathsep.join([str(HERE), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        return {**os.environ, "PYTHONPATH": path, "SIM_TEST_GATE": str(self.folder),
                "SIM_TEST_GATE_FROM": str(self.first), **extra}

    def start(self, args: list[str], **popen) -> subprocess.Popen:
        """``python -m sim <args>``, gated, in a session of its own (so that a test signals its whole group), with
        Ctrl-C handled as under a terminal."""
        return subprocess.Popen([sys.executable, "-c", "import gate; gate.main()", *args], cwd=ROOT,
                                env=self.env(), start_new_session=True, preexec_fn=as_under_a_terminal, **popen)

    def waiting(self) -> set[int]:
        return {int(p.name.split("_")[1]) for p in self.folder.glob("waiting_*")}

    def wait_for(self, ready, alive=lambda: True, what: str = "") -> None:
        """Until ``ready()``; fails at once if ``alive()`` turns false (the experiment ended)."""
        deadline = time.monotonic() + HANG_GUARD_S
        while not ready():
            assert alive(), f"the experiment ended before {what or 'the event'}"
            assert time.monotonic() < deadline, f"no {what or 'event'} in {HANG_GUARD_S} s"
            time.sleep(0.02)

    def release(self, run_id: int) -> None:
        (self.folder / f"release_{run_id}").touch()

    def release_all(self) -> None:
        (self.folder / "release_all").touch()


def as_under_a_terminal() -> None:
    """In a child about to start: SIGINT's default action, as a program started from a terminal has it. A test
    run started in the background by a script (``pytest ... &``) inherits SIGINT ignored, and so would every
    experiment it starts: Ctrl-C would then do nothing at all (the experiment would finish and exit 0)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def signal_delivered(pid: int, sig: int) -> bool:
    """Whether a signal sent to ``pid`` has reached it (its handler has run), not merely been sent (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    pending = 0
    for line in status.splitlines():
        if line.startswith(("SigPnd:", "ShdPnd:")):
            pending |= int(line.split()[1], 16)
    return not pending & (1 << (sig - 1))


def interrupt(proc: subprocess.Popen, sig: int = signal.SIGINT, group: bool = True) -> None:
    """Send ``sig`` (to the process group, as a terminal's Ctrl-C does) and wait until the experiment's process has
    taken it: runs released after that cannot let it finish before it acts on the signal."""
    (os.killpg if group else os.kill)(proc.pid, sig)
    deadline = time.monotonic() + HANG_GUARD_S
    while proc.poll() is None and not signal_delivered(proc.pid, sig):
        assert time.monotonic() < deadline, "the signal was never taken"
        time.sleep(0.01)
