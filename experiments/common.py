"""What the study scripts share: run an experiment config (or reuse a finished folder), load its tables."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.experiments.cli import prepare
from sim.experiments.runner import load_folder, run_experiment
from sim.report import build


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


def run_or_load(experiment: str, args) -> tuple[Path, pd.DataFrame]:
    """The experiment's folder and its runs table; runs the experiment unless --from is given."""
    if args.folder:
        folder, _, _ = load_folder(args.folder)
    else:
        overrides = [f"experiment={experiment}", f"seed={args.seed}", *args.overrides]
        if args.replicates:
            overrides.append(f"replicates={args.replicates}")
        if args.steps:
            overrides.append(f"steps={args.steps}")
        _, spec, constants = prepare(overrides)
        folder = run_experiment(spec, args.seed, constants, executor=args.executor, workers=None,
                                results_dir=args.results_dir, progress=False)
        build(folder, quiet=True)
    return folder, pd.read_parquet(folder / "runs.parquet")
