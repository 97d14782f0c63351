"""A single run from the command line: run it, write its tables (atomically), print its outcomes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.core.outcomes import outcome
from sim.params.registry import PARAMS
from sim.params.scenarios import Resolved, first_policy_week, resolve_params
from sim.shell.files import write_atomic
from sim.simulation import RunResult, run_scenario

if TYPE_CHECKING:
    from omegaconf import DictConfig


def write_run(result: RunResult, folder: Path) -> None:
    """Write a run's tables into ``folder``, each atomically."""
    write_atomic(folder / "outcomes.csv", lambda p: pd.DataFrame([result.row()]).to_csv(p, index=False))
    write_atomic(folder / "timeseries.csv", lambda p: result.timeseries.to_csv(p, index=False))
    write_atomic(folder / "villages.csv", lambda p: result.villages.to_csv(p, index=False))
    write_atomic(folder / "kecamatan.csv", lambda p: result.kecamatan.to_csv(p, index=False))
    meta = {"scenario": result.scenario, "policy": result.policy, "seed": result.seed, "steps": result.steps,
            "params": result.params, "outcomes": result.outcomes}
    write_atomic(folder / "run.json", lambda p: Path(p).write_text(json.dumps(meta, indent=2, default=float)))


def run_and_write(cfg: DictConfig, resolved: Resolved | None = None) -> Path:
    """Run the configured scenario, write its tables, print its outcomes; return the folder (``resolved``: its
    parameters as the command line's check resolved them, else they are resolved here)."""
    from hydra.core.hydra_config import HydraConfig
    from rich.console import Console
    from rich.table import Table

    from sim.params.registry import STEPS
    from sim.shell.progress import Progress

    if cfg.verbose:
        import logging

        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="[%(asctime)s][%(name)s][%(levelname)s] - %(message)s")
    if resolved is None:
        resolved = resolve_params(cfg.scenario, cfg.policy, {k: cfg[k] for k in PARAMS if cfg.get(k) is not None})
    steps = STEPS.default if cfg.steps is None else cfg.steps
    start = first_policy_week(resolved)
    if start is not None and start > steps:
        print(f"note: policy {cfg.policy} starts in week {start}, after this run's {steps} weeks: nothing of it "
              "is in effect (run longer, or set its <lever>_start_step lower)", file=sys.stderr)
    # A bar with an ETA on a terminal, for a run that takes more than a couple of seconds.
    bar = Progress(steps, f"{cfg.scenario} · {cfg.policy} · seed {cfg.seed}", unit="weeks", delay_s=2.0)
    try:
        result = run_scenario(seed=cfg.seed, steps=steps, on_step=bar.advance, resolved=resolved)
    finally:
        bar.close()
    folder = Path(HydraConfig.get().runtime.output_dir)
    write_run(result, folder)
    # The title on a line of its own: rich would wrap it to the table's width, mid-phrase.
    title = f"{result.scenario} · policy {result.policy} · seed {result.seed} · {result.steps} weeks (final year)"
    table = Table()
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for name, value in result.outcomes.items():
        table.add_row(name, outcome(name).format(value))
    console = Console(width=100)
    print(title)
    console.print(table)
    print(f"tables written to {folder}")   # one line, however long the path
    return folder
