"""One run of an experiment's design: what it needs (``Job``), what it produces (``RunOutput``), how it is
computed and stored. Executors (``sim.experiments.executors``) decide only where and when.

A run's files are written atomically, its time series and area tables first and its run file last: the run
file marks the run as finished, so an interrupted experiment keeps exactly the runs whose run file exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import ConfigError
from sim.experiments.spec import Experiment
from sim.shell.files import write_atomic

AREA_TABLES = ("villages", "kecamatan")   # per-run tables of a scenario with several villages


@dataclass(frozen=True)
class Job:
    """One design row to run, with what the run needs to know of its experiment (all picklable)."""

    folder: str        # the experiment folder (where the run's files go)
    row: dict          # the design row: ids, seed, the values it varies
    spec: dict         # the experiment's specification, as data
    every: int = 1     # keep every n-th week of the time series

    @property
    def run_id(self) -> int:
        """The design row's run id."""
        return int(self.row["run_id"])


@dataclass
class RunOutput:
    """What one run produced: its rows of the runs table, its time series, its area tables."""

    rows: pd.DataFrame
    series: pd.DataFrame
    areas: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def run_id(self) -> int:
        """The run's id."""
        return int(self.rows["run_id"].iloc[0])


class RunFailed(Exception):
    """One run of the design raised an error; the runs finished before it are kept.

    Attributes:
        run_id: the design row that failed.
        inputs: its design row (ids, seed and the values it varies).
        error: the error in one line, ``Type: message``.
        invalid_input: the error is an invalid parameter value (ConfigError): rerunning the same row would
            fail the same way.
    """

    def __init__(self, run_id: int, inputs: dict, error: BaseException):
        self.run_id = run_id
        self.inputs = inputs
        self.invalid_input = isinstance(error, ConfigError)
        self.error = f"{type(error).__name__}: {' '.join(str(error).split())}"
        super().__init__(f"run {run_id} failed: {self.error}")


def compute(job: Job) -> RunOutput:
    """Run one design row (nothing written). Area tables exist for scenarios with several villages only."""
    spec = Experiment.model_validate(job.spec)
    areas: dict[str, pd.DataFrame] = {}
    if spec.kind == "hysteresis":
        rows, series = _hysteresis_chain(spec, job.row)
    else:
        rows, series, areas = _single(spec, job.row)
    series = series.iloc[::job.every] if job.every > 1 else series
    series = series.reset_index(drop=True)
    series.insert(0, "run_id", job.run_id)
    return RunOutput(pd.DataFrame(rows), series, areas)


def store(folder: Path, output: RunOutput) -> int:
    """Write one run's files: its time series and area tables first, then its run file (which marks it
    finished)."""
    run_id = output.run_id
    write_parquet(folder / "timeseries" / f"run_{run_id:06d}.parquet", output.series)
    for name, table in output.areas.items():
        write_parquet(folder / name / f"run_{run_id:06d}.parquet", table)
    write_parquet(folder / "runs" / f"run_{run_id:06d}.parquet", output.rows)
    return run_id


def compute_and_store(job: Job) -> int:
    """Run one design row and write its files (in a worker process, or in this one)."""
    return store(Path(job.folder), compute(job))


def write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Write a table as parquet, atomically."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def _single(spec: Experiment, row: dict):
    from sim.core.geography import GEOGRAPHIES
    from sim.params.registry import PARAMS
    from sim.simulation import run_scenario

    # A Sobol-stage row leaves the uncertainties it does not vary empty (NaN).
    varied = {k: v for k, v in row.items() if k in PARAMS and not (isinstance(v, float) and np.isnan(v))}
    several = spec.scenario in GEOGRAPHIES   # a scenario of several villages: keep its area tables
    result = run_scenario(spec.scenario, row.get("levers", row["policy"]), seed=int(row["seed"]), steps=spec.steps,
                          area_tables=several, **{**spec.shared_constants(), **varied})
    ids = {k: v for k, v in row.items() if k not in PARAMS}
    areas = {}
    if several:
        keys = {k: ids[k] for k in ("run_id", "policy", "sample", "replicate", "seed") if k in ids}
        areas = {"villages": result.villages.assign(**keys), "kecamatan": result.kecamatan.assign(**keys)}
    return [{**ids, **result.params, **result.outcomes, **result.groups, **result.services}], result.timeseries, areas


def _hysteresis_chain(spec: Experiment, row: dict):
    """One chain of a hysteresis sweep: burn-in, then the lever up its values and back down, each point
    starting from the end state of the previous one."""
    from sim.model import ClientelismModel

    sweep = spec.sweeps[int(row["sweep"])]
    model = ClientelismModel(scenario=spec.scenario, policy="none", rng=int(row["seed"]), **spec.shared_constants())
    for _ in range(spec.burn_in_steps):
        model.step()
    rows = []
    up = list(sweep.values)
    points = [("up", v) for v in up] + [("down", v) for v in reversed(up)]
    if row.get("control", False):   # the same points in time, the lever held at its first value
        points = [(branch, up[0]) for branch, _ in points]
    for point, (branch, value) in enumerate(points):
        model.set_parameter(sweep.parameter, value)
        for _ in range(spec.steps):
            model.step()
        rows.append({**row, "branch": branch, "point": point, "value": float(value), "step": model.steps,
                     **model.parameters(), **model.outcomes(), **model.group_outcomes(),
                     **model.service_outcomes()})
    return rows, model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
