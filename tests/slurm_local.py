"""A one-node Slurm on 127.0.0.1 for the tests: munged, slurmctld and slurmd from Debian's `slurm-wlm` and `munge`.

Everything lives in one temporary folder: a fresh munge key and socket, a `slurm.conf` generated for this host
(the node line is what `slurmd -C` reports, at NodeAddr 127.0.0.1, on free ports), the spool, state, logs and pid
files. Nothing under /etc is read or written: Slurm's commands and daemons find the configuration through
`SLURM_CONF` (`LocalSlurm.env`), munge through the socket named in the configuration.

Partitions: `debug` (the default, up, jobs of at most an hour) and `closed` (state DOWN: jobs are accepted and
never start).

`stop()` cancels every job, then ends every process the instance started: the daemons, and any job process
(slurmstepd, workers) whose environment names this instance's configuration. The daemons need root.

Run as a script (`python tests/slurm_local.py`) it starts the cluster, prints the `SLURM_CONF` to export, and
keeps it up until Ctrl-C: a way to try the Slurm path on one machine.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PROGRAMS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo")
INSTALL = "sudo apt-get install slurm-wlm munge"


def program(name: str) -> str | None:
    """Full path of a Slurm or munge program: on PATH, or in the sbin folders a non-root PATH often lacks."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/local/sbin"])
    return shutil.which(name, path=path)


def missing_reason() -> str | None:
    """Why a local Slurm cannot be started here (with the command that fixes it), or None."""
    absent = [p for p in PROGRAMS if program(p) is None]
    if absent:
        return f"Slurm and munge are not installed ({', '.join(absent)} not found): {INSTALL}"
    if os.geteuid() != 0:
        return ("a local Slurm needs root (munged, slurmctld and slurmd run as root): run the tests as root, "
                "e.g. sudo make test")
    try:
        import dask_jobqueue  # noqa: F401
    except ImportError:
        return "dask-jobqueue is not installed: pip install -e '.[slurm]' (make test installs it)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlurmDidNotStart(RuntimeError):
    pass


class LocalSlurm:
    """A running one-node Slurm; ``stop()`` ends everything it started (call it in a ``finally``)."""

    def __init__(self, timeout: float = 60):
        self.dir = Path(tempfile.mkdtemp(prefix="slurm-test-"))
        self.procs: dict[str, subprocess.Popen] = {}
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    # ------------------------------------------------------------------ start
    def _start(self, timeout: float) -> None:
        d = self.dir
        # munged wants every folder on its socket's path searchable by all, and its key private.
        d.chmod(0o755)
        for sub in ("munge", "spool", "state", "log"):
            (d / sub).mkdir()
            (d / sub).chmod(0o755)
        self.conf = d / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}
        key, sock = d / "munge" / "munge.key", d / "munge" / "munge.socket"
        subprocess.run([program("mungekey"), "--create", f"--keyfile={key}"], check=True, capture_output=True)
        self._spawn("munged", [program("munged"), "--foreground", f"--socket={sock}", f"--key-file={key}",
                               f"--log-file={d / 'log' / 'munged.log'}", f"--pid-file={d / 'munge' / 'munged.pid'}",
                               f"--seed-file={d / 'munge' / 'munged.seed'}"])
        self._wait(lambda: sock.exists(), timeout, "munged")

        reported = subprocess.run([program("slurmd"), "-C"], check=True, capture_output=True, text=True).stdout
        node = reported.splitlines()[0]        # NodeName=<host> CPUs=... RealMemory=... as slurmd sees this host
        self.node = node.split()[0].split("=", 1)[1]
        user = getpass.getuser()
        self.conf.write_text("\n".join([
            "ClusterName=localtest",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={free_port()}",
            f"SlurmdPort={free_port()}",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={sock}",
            f"SlurmUser={user}",
            f"SlurmdUser={user}",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "MpiDefault=none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none",
            "JobCompType=jobcomp/none",
            "ReturnToService=2",
            "KillWait=3",
            "MinJobAge=30",
            f"StateSaveLocation={d / 'state'}",
            f"SlurmdSpoolDir={d / 'spool'}",
            f"SlurmctldPidFile={d / 'slurmctld.pid'}",
            f"SlurmdPidFile={d / 'slurmd.pid'}",
            f"SlurmctldLogFile={d / 'log' / 'slurmctld.log'}",
            f"SlurmdLogFile={d / 'log' / 'slurmd.log'}",
            # This host as `slurmd -C` sees it (CPUs, sockets, cores, memory), reached on loopback only.
            f"{node} NodeAddr=127.0.0.1 State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=01:00:00 State=UP",
            "PartitionName=closed Nodes=ALL MaxTime=01:00:00 State=DOWN",
            "",
        ]))
        self._spawn("slurmctld", [program("slurmctld"), "-D", "-i"])
        self._spawn("slurmd", [program("slurmd"), "-D", "-N", self.node])

        def node_idle():
            out = self.run(["sinfo", "-h", "-N", "-p", "debug", "-o", "%T"], check=False)
            return out.returncode == 0 and out.stdout.strip() == "idle"

        self._wait(node_idle, timeout, "slurmctld and slurmd (the node never became idle)")

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = open(self.dir / "log" / f"{name}.out", "wb")
        self.procs[name] = subprocess.Popen(cmd, env=self.env if name != "munged" else None, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise SlurmDidNotStart(f"{name} exited with {proc.returncode}: {self.log(name)}")
            if time.monotonic() > deadline:
                raise SlurmDidNotStart(f"{what} not ready after {timeout:.0f} s")
            time.sleep(0.2)

    # ------------------------------------------------------------------ use
    def run(self, cmd: list[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
        """A Slurm command (sinfo, squeue, scancel, ...) against this cluster."""
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=check, timeout=60, **kw)

    def jobs(self) -> dict[str, str]:
        """Job id -> state of every job Slurm still lists."""
        out = self.run(["squeue", "-h", "-o", "%i %T"]).stdout
        return dict(line.split() for line in out.splitlines() if line.strip())

    def log(self, name: str) -> str:
        path = self.dir / "log" / f"{name}.out"
        text = path.read_text(errors="replace") if path.exists() else ""
        return " | ".join(text.strip().splitlines()[-5:])

    # ------------------------------------------------------------------ stop
    def stop(self) -> None:
        """Cancel every job, stop the daemons, end any process left that belongs to this instance."""
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            try:
                self.run(["scancel", "--full", *self.jobs()], check=False)
                deadline = time.monotonic() + 30
                while self.jobs() and time.monotonic() < deadline:
                    time.sleep(0.3)
            except (subprocess.SubprocessError, OSError, ValueError):
                pass
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=20)
        for pid in self.leftover_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def leftover_pids(self) -> list[int]:
        """Processes of this instance's jobs still alive: job step daemons (slurmstepd) and job processes
        (workers) whose environment names this instance's configuration."""
        conf = f"SLURM_CONF={self.conf}".encode() if hasattr(self, "conf") else None
        found = []
        for entry in Path("/proc").iterdir():
            if conf is None or not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            in_job = cmdline.startswith(b"slurmstepd") or any(v.startswith(b"SLURM_JOB_ID=") for v in environ)
            if conf in environ and in_job:
                found.append(int(entry.name))
        return found

if __name__ == "__main__":
    reason = missing_reason()
    if reason:
        raise SystemExit(f"error: {reason}")
    slurm = LocalSlurm()
    try:
        print(f"Slurm up: node {slurm.node} on 127.0.0.1, partitions debug (default) and closed (down)")
        print(f"export SLURM_CONF={slurm.conf}      # then sinfo, sbatch, tools/slurm_cluster.py --interface lo")
        print("Ctrl-C stops it", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        slurm.stop()
