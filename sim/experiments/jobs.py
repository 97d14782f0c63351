"""One run of an experiment's design: what it needs (``Job``), what it produces (``RunOutput``), how it is
computed and stored. Executors (``sim.experiments.executors``) decide only where and when.

A run's files are written atomically, its time series and area tables first and its run file last: the run
file marks the run as finished, so an interrupted experiment keeps exactly the runs whose run file exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.errors import ConfigError
from sim.experiments.kinds import kind_of
from sim.experiments.spec import parse
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
    spec = parse(job.spec)
    rows, series, areas = kind_of(spec).run(spec, job.row)
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
