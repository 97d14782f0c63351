"""Start a Dask cluster whose workers are Slurm jobs (dask-jobqueue) and keep it up for experiments.

    pip install -e ".[slurm]"                      # dask-jobqueue, in the project's environment
    python tools/slurm_cluster.py --jobs 10 --cores 32 --memory 64GB --walltime 04:00:00 --partition normal
    # prints: scheduler at tcp://10.0.0.5:8786, then the jobs as they are submitted and the workers as they connect
    python -m sim experiment=<name> executor=dask dask_address=tcp://10.0.0.5:8786

Each job runs one single-threaded worker per core, with the Python of this environment. The settings are
checked before anything is submitted, against what `sinfo` reports and by Slurm itself (`sbatch --test-only`
on the job script); a bad one ends with one `error:` line. A job that ends (cancelled, past its walltime, lost
with its node) is replaced, so the cluster keeps --jobs jobs. Ctrl-C (or SIGTERM) cancels the jobs and stops.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings

from sim.errors import ConfigError

POLL_S = 2.0
RETRY_S = 30.0
ALIVE = {"PENDING", "CONFIGURING", "RUNNING", "SUSPENDED", "RESIZING", "REQUEUED", "REQUEUE_HOLD"}
# Slurm's time formats: minutes, minutes:seconds, hours:minutes:seconds, days-hours[:minutes[:seconds]].
TIME = re.compile(r"^(?:(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?|(\d+)(?::(\d+)(?::(\d+))?)?)$")


class Refused(Exception):
    """The cluster cannot be started here (no Slurm, no dask-jobqueue, Slurm refuses the job); one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        if message.startswith("unrecognized arguments: "):
            options = [o for a in self._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
            message = (f"{message.split(': ', 1)[1]} is not valid: allowed the options {', '.join(options)}")
        raise Refused(f"{message} (see --help)")


def minutes(text: str) -> float | None:
    """A Slurm time (the forms sbatch --time takes) in minutes; None for infinite; ValueError if malformed."""
    if text.strip().lower() in ("infinite", "unlimited"):
        return None
    m = TIME.match(text.strip())
    if not m:
        raise ValueError(text)
    d, dh, dm, ds, a, b, c = (int(g) if g else 0 for g in m.groups())
    if m.group(1) is not None:
        return d * 1440 + dh * 60 + dm + ds / 60
    if m.group(7) is not None:
        return a * 60 + b + c / 60          # hours:minutes:seconds
    if m.group(6) is not None:
        return a + b / 60                   # minutes:seconds
    return float(a)                         # minutes


def parse(argv: list[str] | None):
    p = Parser(prog="slurm_cluster.py", description=__doc__.splitlines()[0],
               formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--jobs", default="4", help="Slurm jobs to keep running")
    p.add_argument("--cores", default="32", help="cores per job (one single-threaded worker per core)")
    p.add_argument("--memory", default="64GB", help="memory per job")
    p.add_argument("--walltime", default="04:00:00", help="time limit of each job (Slurm's formats)")
    p.add_argument("--partition", "--queue", default=None, help="Slurm partition (default: the cluster's)")
    p.add_argument("--account", default=None, help="Slurm account to charge")
    p.add_argument("--interface", default=None,
                   help="network interface of the scheduler and workers, e.g. ib0 or lo (default: Dask's choice)")
    p.add_argument("--port", default="8786", help="scheduler port (0: any free port)")
    return p.parse_args(argv)


def whole(name: str, value: str, low: int, high: int | None = None) -> int:
    try:
        n = int(value)
    except ValueError:
        n = None
    if n is None or n < low or (high is not None and n > high):
        allowed = f"a whole number from {low}" + (f" to {high}" if high is not None else " upwards")
        raise ConfigError(name, value, allowed)
    return n


def check_local(args) -> dict:
    """The settings that need no Slurm: numbers, sizes, times, the interface."""
    from dask.utils import parse_bytes

    opts = {"jobs": whole("--jobs", args.jobs, 1), "cores": whole("--cores", args.cores, 1),
            "port": whole("--port", args.port, 0, 65535), "walltime": args.walltime,
            "partition": args.partition, "account": args.account, "interface": args.interface}
    try:
        opts["memory_bytes"] = parse_bytes(args.memory)
    except (ValueError, TypeError):
        opts["memory_bytes"] = 0
    if opts["memory_bytes"] < 2**20:
        raise ConfigError("--memory", args.memory, "a size of at least 1MB such as 4GB or 3500MB")
    opts["memory"] = args.memory
    try:
        opts["walltime_min"] = minutes(args.walltime)
    except ValueError:
        opts["walltime_min"] = None
    if opts["walltime_min"] is None or opts["walltime_min"] <= 0:
        raise ConfigError("--walltime", args.walltime, "a Slurm time limit such as 04:00:00, 90 (minutes), "
                          "1-12:00:00 (days-hours:minutes:seconds)")
    if args.interface is not None:
        import psutil

        names = sorted(psutil.net_if_addrs())
        if args.interface not in names or not any(a.family.name == "AF_INET"
                                                  for a in psutil.net_if_addrs()[args.interface]):
            raise ConfigError("--interface", args.interface, "a network interface of this machine with an IPv4 "
                              f"address: {', '.join(names)}")
    return opts


def slurm(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_against_cluster(opts: dict) -> dict:
    """Partition, cores, memory and walltime against the partitions and nodes `sinfo` lists."""
    for program in ("sbatch", "squeue", "scancel", "sinfo"):
        if shutil.which(program) is None:
            raise Refused(f"Slurm's {program} is not on PATH: run this on a login node of a Slurm cluster")
    out = slurm(["sinfo", "-a", "-h", "-N", "-o", "%P|%c|%m|%l|%a"])
    if out.returncode != 0:
        raise Refused(f"sinfo failed, Slurm does not answer: {one_line(out.stderr or out.stdout)}")
    nodes: dict[str, list[tuple[int, int, str, str]]] = {}
    default = None
    for line in out.stdout.splitlines():
        part, cpus, mem, limit, avail = line.strip().split("|")
        if part.endswith("*"):
            part = part[:-1]
            default = part
        nodes.setdefault(part, []).append((int(cpus.rstrip("+")), int(mem.rstrip("+")), limit, avail))
    part = opts["partition"] or default
    if part is None:
        raise ConfigError("--partition", None, f"one of this cluster's partitions (it has no default): "
                          f"{', '.join(sorted(nodes))}")
    if part not in nodes:
        raise ConfigError("--partition", part, f"one of this cluster's partitions: {', '.join(sorted(nodes))}")
    max_cpus = max(n[0] for n in nodes[part])
    if opts["cores"] > max_cpus:
        raise ConfigError("--cores", opts["cores"], f"1 to {max_cpus} (the most CPUs of a node in partition {part})")
    max_mb = max(n[1] for n in nodes[part])
    if opts["memory_bytes"] / 2**20 > max_mb:
        raise ConfigError("--memory", opts["memory"], f"at most {max_mb}MB (the most memory of a node in "
                          f"partition {part})")
    limit = nodes[part][0][2]
    try:
        limit_min = minutes(limit)
    except ValueError:
        limit_min = None
    if limit_min is not None and opts["walltime_min"] > limit_min:
        raise ConfigError("--walltime", opts["walltime"], f"at most {limit} (the time limit of partition {part})")
    opts["partition_used"], opts["partition_state"] = part, nodes[part][0][3]
    return opts


def start(opts: dict):
    """The SLURMCluster (its scheduler running here), its job script accepted by `sbatch --test-only`."""
    try:
        from dask_jobqueue import SLURMCluster
    except ImportError:
        raise Refused("dask-jobqueue is not installed: pip install -e '.[slurm]' in this environment") from None
    host = ""
    if opts["interface"]:
        from distributed.utils import get_ip_interface

        host = get_ip_interface(opts["interface"])
    cluster = SLURMCluster(
        cores=opts["cores"], processes=opts["cores"], memory=opts["memory"], walltime=opts["walltime"],
        queue=opts["partition"], account=opts["account"], interface=opts["interface"],
        # Workers without Dask's statistical profiler: on long designs it grows each worker by ~10 KB a run.
        job_script_prologue=["export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"],
        # The scheduler's HTTP endpoint on the scheduler's own address (loopback stays loopback).
        scheduler_options={"port": opts["port"], "dashboard_address": f"{host}:8787"})
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".sh") as script:
            script.write(cluster.job_script())
            script.flush()
            out = slurm(["sbatch", "--test-only", script.name])
        if out.returncode != 0:
            raise refusal(one_line(out.stderr or out.stdout), opts)
    except BaseException:
        cluster.close()
        raise
    return cluster


def refusal(message: str, opts: dict) -> Exception:
    """Slurm's reason for refusing the job script, as the option it concerns when it says which."""
    message = re.sub(r"^(sbatch: error: |allocation failure: )+", "", message)
    low = message.lower()
    for word, option, key in (("partition", "--partition", "partition"), ("account", "--account", "account"),
                              ("time limit", "--walltime", "walltime"), ("memory", "--memory", "memory")):
        if word in low:
            return ConfigError(option, opts[key], f"one Slurm accepts; sbatch --test-only says: {message}")
    return Refused(f"Slurm refuses the worker job: {message} (--cores {opts['cores']}, --memory {opts['memory']}, "
                   f"--walltime {opts['walltime']}, --partition {opts['partition']}, --account {opts['account']})")


def say(text: str) -> None:
    print(text, flush=True)


def keep_up(cluster, opts: dict) -> None:
    """Submit the jobs; then, until interrupted, report them and replace any that ended."""
    expected = opts["jobs"] * opts["cores"]
    user = getpass.getuser()
    seen: dict[str, str] = {}          # job name -> job id reported
    reasons: dict[str, str] = {}       # job id -> pending reason reported
    connected = -1
    retry_at = 0.0
    cluster.scale(jobs=opts["jobs"])
    while True:
        if time.monotonic() >= retry_at:
            try:
                cluster.sync(cluster._correct_state)      # submits the jobs the cluster is missing
            except Exception as exc:
                message = one_line(str(exc))
                message = message.split("stderr:", 1)[-1].strip() or message    # sbatch's own words
                say(f"job submission failed: {message[-300:]}; trying again in {RETRY_S:.0f} s")
                retry_at = time.monotonic() + RETRY_S
                unsubmitted = [name for name, job_id in cluster.sync(_job_ids, cluster).items() if not job_id]
                cluster.sync(_forget, cluster, unsubmitted)     # so that the next correction submits them
        jobs = dict(cluster.sync(_job_ids, cluster))
        for name, job_id in jobs.items():
            if job_id and seen.get(name) != job_id:
                seen[name] = job_id
                say(f"job {job_id} submitted ({opts['cores']} worker{'s' if opts['cores'] > 1 else ''})")
        out = slurm(["squeue", "-h", "-u", user, "-o", "%i|%T|%r"])
        if out.returncode == 0:
            states = {}
            for line in out.stdout.splitlines():
                job_id, state, reason = line.strip().split("|", 2)
                states[job_id] = (state, reason)
            ended = [name for name, job_id in jobs.items() if job_id and states.get(job_id, ("",))[0] not in ALIVE]
            for name in ended:
                say(f"job {jobs[name]} ended; submitting a replacement")
            if ended:
                cluster.sync(_forget, cluster, ended)
            for job_id, (state, reason) in states.items():
                if job_id in jobs.values() and state == "PENDING" and reasons.get(job_id, "None") != reason:
                    reasons[job_id] = reason
                    say(f"job {job_id} pending ({reason})")
        n = len(cluster.scheduler_info.get("workers", {}))
        if n != connected:
            connected = n
            say(f"workers: {n} of {expected} connected")
        time.sleep(POLL_S)


async def _job_ids(cluster):
    return {name: getattr(job, "job_id", None) for name, job in cluster.workers.items()}


async def _forget(cluster, names):
    """Drop ended jobs; the next state correction submits a new job under each name."""
    for name in names:
        job = cluster.workers.pop(name, None)
        if job is not None:
            await job.close()         # scancel of a job that already ended: harmless


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*already in use.*")
    # One line per event from this tool; distributed's own logs (worker removal, reconnections) would bury them.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    logging.getLogger("dask_jobqueue").setLevel(logging.CRITICAL)
    logging.getLogger("tornado.application").setLevel(logging.CRITICAL)   # a failed submission: our line instead
    try:
        opts = check_against_cluster(check_local(parse(argv)))
        cluster = start(opts)
    except (ConfigError, Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        say(f"scheduler at {cluster.scheduler_address}")
        if opts["partition_state"] != "up":
            say(f"partition {opts['partition_used']} is {opts['partition_state']}: the jobs wait until "
                "it is up")
        say(f"once workers are connected: python -m sim experiment=<name> executor=dask "
            f"dask_address={cluster.scheduler_address}")
        keep_up(cluster, opts)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        say("stopping: cancelling the jobs")
        cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
