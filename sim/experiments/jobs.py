"""One run of an experiment's design: what it needs (``Job``), what it produces (``RunOutput``), how it is
computed and stored. Executors (``sim.experiments.executors``) decide only where and when.

A run's files are written atomically, its time series and area tables first and its run file last: the run
file marks the run as finished, so an interrupted experiment keeps exactly the runs whose run file exists.

Runs that would spin up the same village (the arms of one replicate: the same scenario, seed and values but for
their levers; ``sim.snapshot``) form a ``Group`` with one ``SpinUp``: the village is spun up once, and each run
of the group starts from a copy of it, with the same result bit for bit as had it spun up on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    spin_up_file: str | None = None   # the snapshot of the village it starts from (its group's), if any

    @property
    def run_id(self) -> int:
        """The design row's run id."""
        return int(self.row["run_id"])


SPIN_UPS = ".spin-ups"     # the experiment folder's snapshots of spun-up villages, while their runs run


@dataclass(frozen=True)
class SpinUp:
    """A village to spin up once for the runs of a group: the parameters of one of them (levers aside, all the
    same) and where its snapshot goes."""

    folder: str
    key: str           # sim.snapshot.spin_up_key of every run of the group
    row: dict          # a design row of the group
    spec: dict

    @property
    def path(self) -> Path:
        """The snapshot file (in the experiment folder: only while the group's runs run)."""
        return Path(self.folder) / SPIN_UPS / f"{self.key}-{int(self.row['run_id'])}.snapshot"


@dataclass(frozen=True)
class Group:
    """Runs that start from one spun-up village (``spin_up``), or a run of its own (``spin_up`` None)."""

    spin_up: SpinUp | None
    jobs: tuple[Job, ...]


def groups(folder: Path, rows: Iterable[dict], spec: dict, every: int, window: int = 10_000) -> Iterator[Group]:
    """The design rows to run as groups: rows of one spin-up key together (in the order of their first row),
    each row's own order kept within its group; a row that shares its spin-up with no other is a group of one
    with no snapshot. Rows are grouped ``window`` at a time, so that a design of any size streams."""
    from sim.snapshot import spin_up_key

    parsed = parse(spec)
    kind = kind_of(parsed)
    batch: list[dict] = []

    def flush() -> Iterator[Group]:
        keyed: dict[object, list[dict]] = {}
        for i, row in enumerate(batch):
            try:
                of = kind.spin_up_of(parsed, row)
            except Exception:   # a row that cannot be resolved runs alone, and fails as a run (RunFailed)
                of = None
            keyed.setdefault(spin_up_key(*of) if of is not None else ("alone", i), []).append(row)
        for key, members in keyed.items():
            if len(members) == 1:
                yield Group(None, (Job(str(folder), members[0], spec, every),))
            else:
                spin = SpinUp(str(folder), key, members[0], spec)
                yield Group(spin, tuple(Job(str(folder), row, spec, every, str(spin.path)) for row in members))
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= window:
            yield from flush()
    yield from flush()


def spin_up(job: SpinUp) -> bytes:
    """A group's village spun up, as a snapshot."""
    from sim.model import ClientelismModel
    from sim.snapshot import spin_up_params

    spec = parse(job.spec)
    resolved, seed = kind_of(spec).spin_up_of(spec, job.row)
    model = ClientelismModel(rng=seed, resolved=spin_up_params(resolved))
    return model.snapshot()


def spin_up_and_store(job: SpinUp) -> str:
    """Spin a group's village up and write its snapshot (in a worker process, or in this one)."""
    data = spin_up(job)
    write_atomic(job.path, lambda tmp: Path(tmp).write_bytes(data))
    return str(job.path)


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


def compute(job: Job, spin_up: bytes | None = None) -> RunOutput:
    """Run one design row (nothing written), from its group's spun-up village if it has one (``spin_up``, or
    else its snapshot file). Area tables exist for scenarios with several villages only."""
    spec = parse(job.spec)
    if spin_up is None and job.spin_up_file is not None:
        spin_up = Path(job.spin_up_file).read_bytes()
    rows, series, areas = kind_of(spec).run(spec, job.row, spin_up)
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


def compute_and_store(job: Job, spin_up: bytes | None = None) -> int:
    """Run one design row and write its files (in a worker process, or in this one)."""
    return store(Path(job.folder), compute(job, spin_up))


def write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Write a table as parquet, atomically."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))
