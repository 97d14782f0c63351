"""What the study scripts share: run an experiment config (or reuse a finished folder), load its tables.

Bad input — an unknown parameter, a policy given on the command line, a folder that is not a finished
experiment of the kind the study needs — ends with one ``error:`` line and exit code 2, as in ``python -m sim``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sim.errors import ConfigError
from sim.experiments.executors import RunSettings
from sim.experiments.launch import prepare
from sim.experiments.report import build
from sim.experiments.runner import load_folder, run_experiment
from sim.experiments.spec import Experiment
from sim.shell.cli import check_overrides


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--from", dest="folder", help="reuse a finished experiment folder instead of running one")
    parser.add_argument("--replicates", type=int, help="override the config's replicates")
    parser.add_argument("--steps", type=int, help="override the config's weeks per run")
    parser.add_argument("--seed", type=int, default=0, help="master seed")
    parser.add_argument("--executor", default="processes", choices=("serial", "processes"))
    parser.add_argument("--results-dir", default="results")
    parser.add_argument("overrides", nargs="*", help="parameter overrides, e.g. n_households=1000")
    return parser


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def run_or_load(experiment: str, args, needs: tuple[str, ...] = (), kind: str = "comparison"
                ) -> tuple[Path, Experiment, pd.DataFrame]:
    """The experiment's folder, specification and runs table; runs the experiment unless --from is given.

    ``needs``: arms (policy names) the study reads; a folder without them, or of another ``kind``, is refused.
    """
    try:
        if args.folder:
            if args.overrides or args.replicates or args.steps or getattr(args, "samples", None):
                raise ConfigError("--from", args.folder, "a finished folder alone (its settings are its own: no "
                                  "--replicates, --steps or parameter overrides with it)")
            folder, spec, _ = load_folder(args.folder, key="--from")
            if not (folder / "runs.parquet").is_file():
                raise ConfigError("--from", args.folder, "a finished experiment (runs.parquet is missing: finish it "
                                  f"with python -m sim resume={folder})")
        else:
            overrides = [f"experiment={experiment}", f"seed={args.seed}", *args.overrides]
            if args.replicates:
                overrides.append(f"replicates={args.replicates}")
            if args.steps:
                overrides.append(f"steps={args.steps}")
            if getattr(args, "samples", None):
                overrides.append(f"samples={args.samples}")
            check_overrides(overrides)
            _, spec, _ = prepare(overrides)
        if spec.kind != kind:
            raise ConfigError("--from", args.folder, f"a{'n' if kind[0] in 'aeiou' else ''} {kind} experiment's "
                              f"folder (this one is a{'n' if spec.kind[0] in 'aeiou' else ''} {spec.kind})")
        have = {arm.name for arm in spec.arms}
        missing = [name for name in needs if name not in have]
        if missing:
            raise ConfigError("--from", args.folder, f"an experiment comparing {', '.join(needs)} (this one lacks "
                              f"{', '.join(missing)})")
        if not args.folder:
            folder = run_experiment(spec, args.seed, RunSettings(args.executor, results_dir=args.results_dir,
                                                                 progress=False))
            build(folder, quiet=True)
    except ConfigError as exc:
        fail(str(exc))
    return folder, spec, pd.read_parquet(folder / "runs.parquet")
