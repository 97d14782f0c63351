"""Start a Dask cluster on Slurm with dask-jobqueue and keep it up for experiments.

    pip install dask-jobqueue
    python tools/slurm_cluster.py --jobs 10 --cores 32 --memory 64GB --walltime 04:00:00
    # then: python -m sim experiment=<name> executor=dask dask_address=<printed address>

Each Slurm job runs one single-threaded worker per core. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=4, help="Slurm jobs (nodes or node shares)")
    parser.add_argument("--cores", type=int, default=32, help="cores per job")
    parser.add_argument("--memory", default="64GB", help="memory per job")
    parser.add_argument("--walltime", default="04:00:00")
    parser.add_argument("--queue", default=None, help="Slurm partition")
    parser.add_argument("--account", default=None)
    parser.add_argument("--port", type=int, default=8786, help="scheduler port")
    args = parser.parse_args()
    from dask_jobqueue import SLURMCluster

    # Workers without Dask's statistical profiler: on long designs it grows each worker by ~10 KB a run.
    cluster = SLURMCluster(cores=args.cores, processes=args.cores, memory=args.memory, walltime=args.walltime,
                           queue=args.queue, account=args.account,
                           job_script_prologue=["export DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"],
                           scheduler_options={"port": args.port, "dashboard_address": None})
    cluster.scale(jobs=args.jobs)
    print(f"scheduler at {cluster.scheduler_address}")
    print(cluster.job_script())
    try:
        while True:
            time.sleep(60)
    except KeyboardInterrupt:
        cluster.close()


if __name__ == "__main__":
    main()
