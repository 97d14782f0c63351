"""What an experiment will cost, known before its design is generated: runs, time, disk and memory.

The estimates are rough on purpose (they are printed as "about"): the time is
the runs' and the spin-ups' weeks times a per-week cost that grows with the households
(measured on two cores: about 0.35 s for a 10-year run of Bangbayang's 2,200
households and about 10 s for the whole Brebes regency), and its disk use
the size of its per-run files plus their compaction. A design that could not
fit in memory, or an experiment whose files could not fit on the disk, is
refused before anything is written.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sim.errors import ConfigError
from sim.experiments.kinds import kind_of
from sim.experiments.spec import Experiment

STARTUP_S = 3.0                 # starting the workers and writing the design
RUN_OVERHEAD_S = 0.05           # per run: building its tables and writing its files
WEEK_OVERHEAD_S = 1.7e-3        # per simulated week, whatever its size (demo: 210 runs, 30 spin-ups, 1.7 min)
HOUSEHOLD_WEEK_S = 1 / 35e6     # per household and step
RUN_FILE_BYTES = 90_000         # one run's row of parameters and outcomes, as its own parquet file
SERIES_BYTES_PER_WEEK = 260     # one recorded week of the time series
AREA_BYTES_PER_VILLAGE = 900    # one village's row of the per-run village and kecamatan tables
DESIGN_BYTES_PER_CELL = 12      # one value of the design table in memory (pandas), with its share of overhead
MODEL_BYTES_PER_HOUSEHOLD = 400  # a model in memory, per household (about 240 B measured, with margin)
SNAPSHOT_BYTES_PER_HOUSEHOLD = 300   # a spun-up village's snapshot (296 B measured at 2,200 households)
MEMORY_SHARE = 0.5              # at most this share of the machine's memory for the design or the models


@dataclass(frozen=True)
class Budget:
    """An experiment's estimated size: runs, weeks, households, time, disk, memory."""
    runs: int
    weeks_per_run: int
    households: int
    villages: int
    seconds: float
    disk_bytes: int
    design_bytes: int
    model_bytes: int
    parallel: int
    spin_ups: int = 0         # villages spun up (runs that share one count it once)
    spinup_weeks: int = 0

    def line(self, name: str) -> str:
        """The estimate in one line, printed before an experiment starts."""
        shared = (f", {self.spin_ups:,} spin-ups of {self.spinup_weeks:,} weeks"
                  if self.spinup_weeks and self.spin_ups < self.runs else "")
        return (f"experiment {name}: {self.runs:,} runs of {self.weeks_per_run:,} weeks, {self.households:,} "
                f"households each{shared}; "
                f"about {_duration(self.seconds)} with {self.parallel} worker{'s' if self.parallel > 1 else ''}, "
                f"about {_size(self.disk_bytes)} on disk")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"


def count_runs(spec: Experiment) -> int:
    """Runs of the whole design, without generating it (later stages, such as a sensitivity experiment's Sobol
    stage, included)."""
    return kind_of(spec).count_runs(spec)


# Designs of up to this many rows are generated to count their shared spin-ups; a larger one is estimated as if
# none were shared (an estimate on the long side).
SPIN_UP_COUNT_ROWS = 20_000


def count_spin_ups(spec: Experiment) -> int:
    """Villages the whole design spins up: one per group of runs that share a spin-up, as the runs are grouped
    (``sim.experiments.jobs.groups``), in the design known before any run; each run of a later stage (which
    depends on finished runs) its own."""
    from sim.experiments.jobs import groups

    kind = kind_of(spec)
    runs = kind.count_runs(spec)
    if runs > SPIN_UP_COUNT_ROWS:
        return runs
    design = kind.design(spec, 0)
    grouped = sum(1 for _ in groups(Path("."), design.to_dict("records"), spec.model_dump(), 1))
    return grouped + (runs - len(design))


def estimate(spec: Experiment, executor: str = "processes", workers: int | None = None) -> Budget:
    """The size of ``spec``'s whole design run with this executor and number of workers."""
    from sim.params.scenarios import resolve_params

    values = resolve_params(spec.scenario, "none", spec.shared_constants())
    households = int(values["n_households"])
    from sim.core.geography import GEOGRAPHIES, REGENCY_VILLAGES

    villages = REGENCY_VILLAGES if spec.scenario in GEOGRAPHIES else 1
    kind = kind_of(spec)
    weeks = kind.weeks_per_run(spec)
    runs = kind.count_runs(spec)
    parallel = 1 if executor == "serial" else max(workers or os.cpu_count() or 1, 1)
    spinup = int(values["spinup_weeks"])
    spin_ups = count_spin_ups(spec) if spinup else 0    # each group of runs spins up once before its reported weeks
    simulated = runs * weeks + spin_ups * spinup
    seconds = STARTUP_S + (runs * RUN_OVERHEAD_S + simulated * (WEEK_OVERHEAD_S + households * HOUSEHOLD_WEEK_S)) \
        / parallel + kind.analysis_seconds(spec)     # then the analysis and the report, in one process
    recorded = weeks // kind.series_every
    per_run = RUN_FILE_BYTES + SERIES_BYTES_PER_WEEK * recorded + (AREA_BYTES_PER_VILLAGE * villages
                                                                   if villages > 1 else 0)
    disk = int(runs * per_run * 1.3)   # the per-run files, and their compaction (smaller: shared metadata)
    if spin_ups < runs and executor != "serial":   # snapshots of the villages whose runs are running
        disk += min(spin_ups, 2 * parallel) * households * SNAPSHOT_BYTES_PER_HOUSEHOLD
    design = runs * kind.design_columns(spec) * DESIGN_BYTES_PER_CELL
    models = households * MODEL_BYTES_PER_HOUSEHOLD * parallel
    return Budget(runs, weeks, households, villages, seconds, disk, design, models, parallel, spin_ups, spinup)


def physical_memory() -> int | None:
    """This machine's memory in bytes, if the system tells."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check(budget: Budget, results_dir: str | Path) -> None:
    """Refuse an experiment that cannot fit: its design or its models in memory, its files on the disk."""
    memory = physical_memory()
    if memory is not None:
        if budget.design_bytes > MEMORY_SHARE * memory:
            raise ConfigError("experiment size", f"{budget.runs:,} runs", f"a design that fits in memory (its "
                              f"table alone would take about {_size(budget.design_bytes)} of this machine's "
                              f"{_size(memory)}): fewer replicates, samples or trajectories")
        if budget.model_bytes > MEMORY_SHARE * memory:
            raise ConfigError("n_households", f"{budget.households:,}", f"models that fit in memory ({budget.parallel} "
                              f"at once would take about {_size(budget.model_bytes)} of this machine's "
                              f"{_size(memory)}): fewer households, or fewer workers (workers=)")
    where = Path(results_dir)
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    if budget.disk_bytes > free:
        raise ConfigError("experiment size", f"{budget.runs:,} runs", f"results that fit on the disk (about "
                          f"{_size(budget.disk_bytes)}, {_size(free)} free under {results_dir})")
