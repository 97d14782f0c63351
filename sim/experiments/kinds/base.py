"""What every experiment kind has: the keys every specification holds (``Experiment``), and the interface each
kind's module implements (``Kind``), through which the generic modules (specification, design, jobs, runner,
budget, report) reach it.

A kind is a model of its specification (``Experiment`` with its own keys), its registry-level checks and notes,
its design (and any later stage that depends on finished runs), how one design row runs, its size, and its part
of the report: the analysis of the saved tables and how they are shown.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, get_args

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.params.registry import MAX_STEPS
from sim.params.scenarios import SCENARIOS, Resolved

if TYPE_CHECKING:
    import plotly.graph_objects as go

# Names become folder and file names: letters, digits and . _ - (+ in a policy's name), nothing else.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"


class Strict(BaseModel):
    """Unknown keys forbidden, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # What a message about a misspelled key inside this mapping calls it ("a driver"); None: the message lists the
    # experiment file's keys instead.
    noun: ClassVar[str | None] = None


class Experiment(Strict):
    """An experiment's specification: the keys of every kind (each kind's model adds its own; see
    ``docs/experiment_keys.md``)."""

    name: str = Field(pattern=NAME_PATTERN, description="the experiment's name and its folder's (letters, digits, "
                      "`.`, `_`, `-`)")
    kind: str = Field(description="what the experiment does, and so which other keys it has")
    description: str = Field("", description="one sentence, shown in the report")
    scenario: str = Field("bangbayang", description="the scenario every run starts from: "
                          + ", ".join(f"`{name}`" for name in SCENARIOS))
    steps: int = Field(520, ge=1, le=MAX_STEPS, description="weeks per run (per sweep point, for hysteresis)")
    replicates: int = Field(1, ge=1, description="seeds per arm, sample, sweep or driver value (common random "
                            "numbers: replicate r has the same seed in each)")
    constants: dict[str, float | int | bool] = Field(default_factory=dict, description="registry parameters set "
                                                     "for every run (docs/parameters.md), e.g. `{n_households: "
                                                     "1000}`")

    # The key a kind cannot do without (given and not empty), and what the message that asks for it calls the kind.
    required: ClassVar[str | None] = None
    called: ClassVar[str] = "an experiment"

    @model_validator(mode="after")
    def _has_required(self) -> Experiment:
        if self.required is not None and not getattr(self, self.required):
            raise ValueError(f"{self.called} needs '{self.required}'")
        return self

    def shared_constants(self) -> dict[str, float | int | bool]:
        """Constants of every run."""
        return dict(self.constants)


@dataclass
class Section:
    """A kind's part of its report: the tables of its analysis (each written as ``<name>.csv`` beside the
    report; ``summary`` is the table behind the main figure), the main table (terminal and HTML) with its title,
    the figures, HTML between the table and the figures, and what the terminal prints under the table."""

    tables: dict[str, pd.DataFrame]
    shown: pd.DataFrame
    title: str
    figures: dict[str, go.Figure]
    html: str = ""
    caption: str = ""                                 # printed under the main table (its units)
    lines: list[str] = field(default_factory=list)    # printed after the caption


RunRows = tuple[list[dict], pd.DataFrame, dict[str, pd.DataFrame]]   # rows of the runs table, time series, areas


class Kind(ABC):
    """One kind of experiment; the generic modules call it only through these methods.

    A kind is registered in ``KINDS`` (``sim.experiments.kinds``) under its name, the ``kind`` of its
    specification model ``spec``.
    """

    spec: ClassVar[type[Experiment]]
    series_every: ClassVar[int] = 1      # keep every n-th week of a run's time series (many runs keep fewer)

    @property
    def name(self) -> str:
        """The kind's name: the value of ``kind`` its specification model accepts."""
        return get_args(self.spec.model_fields["kind"].annotation)[0]

    @abstractmethod
    def check(self, spec: Experiment) -> None:
        """Registry-level checks of the kind's own keys (names exist, values within bounds); raise ConfigError."""

    def notes(self, spec: Experiment) -> list[str]:
        """Warnings worth a line before the experiment starts (not errors)."""
        return []

    @abstractmethod
    def design(self, spec: Experiment, master_seed: int) -> pd.DataFrame:
        """The design known before any run: one row per run, numbered from 0."""

    def next_stage(self, spec: Experiment, read_runs: Callable[[], pd.DataFrame], master_seed: int,
                   design: pd.DataFrame) -> pd.DataFrame | None:
        """Rows to run once every row of ``design`` has run (numbered on from its last), or None when the design
        is complete; ``read_runs()`` reads the finished runs (none: a design of one stage)."""
        return None

    def check_design(self, spec: Experiment, design: pd.DataFrame) -> None:
        """Checks of a design beyond the values of its rows (which every design gets); raise ConfigError."""
        return None

    def run(self, spec: Experiment, row: dict, spin_up: bytes | None = None) -> RunRows:
        """One design row: its rows of the runs table, its time series and (several villages) its area tables;
        ``spin_up``: a snapshot of the village spun up for ``spin_up_of(spec, row)``, to start from."""
        return single_run(spec, row, spin_up)

    def spin_up_of(self, spec: Experiment, row: dict) -> tuple[Resolved, int] | None:
        """The parameters and seed the row's model is built with (its spin-up is named by them,
        ``sim.snapshot.spin_up_key``), or None for a row that cannot share one."""
        return row_params(spec, row), int(row["seed"])

    @abstractmethod
    def count_runs(self, spec: Experiment) -> int:
        """Runs of the whole design, later stages included, without generating it."""

    @abstractmethod
    def design_columns(self, spec: Experiment) -> int:
        """Columns of the design table (ids, seed and the values it varies)."""

    def weeks_per_run(self, spec: Experiment) -> int:
        """Reported weeks one run simulates (after the model's own spin-up)."""
        return spec.steps

    # The report of any kind: reading the tables, the figures and their PNG/SVG export (measured: 5-11 s).
    REPORT_S: ClassVar[float] = 10.0

    def analysis_seconds(self, spec: Experiment) -> float:
        """Seconds the analysis and the report take once the runs are done (one process)."""
        return self.REPORT_S

    @abstractmethod
    def report(self, folder: Path, spec: Experiment, runs: pd.DataFrame, master_seed: int) -> Section:
        """The analysis of the saved tables (``runs``: the runs table; others read from ``folder``) and how
        the report shows it."""


def row_params(spec: Experiment, row: dict) -> Resolved:
    """A design row's parameters, resolved: the scenario, the row's levers, the constants and the row's values."""
    from sim.params.registry import PARAMS
    from sim.params.scenarios import resolve_params

    # A Sobol-stage row leaves the uncertainties it does not vary empty (NaN).
    varied = {k: v for k, v in row.items() if k in PARAMS and not (isinstance(v, float) and np.isnan(v))}
    return resolve_params(spec.scenario, row.get("levers", row["policy"]), {**spec.shared_constants(), **varied})


def single_run(spec: Experiment, row: dict, spin_up: bytes | None = None) -> RunRows:
    """A design row run as one model run: the scenario under the row's levers with its values and seed (from
    ``spin_up``, a snapshot of its spun-up village, if given)."""
    from sim.core.geography import GEOGRAPHIES
    from sim.params.registry import PARAMS
    from sim.simulation import run_scenario

    several = spec.scenario in GEOGRAPHIES   # a scenario of several villages: keep its area tables
    result = run_scenario(seed=int(row["seed"]), steps=spec.steps, area_tables=several,
                          resolved=row_params(spec, row), spin_up=spin_up)
    ids = {k: v for k, v in row.items() if k not in PARAMS}
    areas = {}
    if several:
        keys = {k: ids[k] for k in ("run_id", "policy", "sample", "replicate", "seed") if k in ids}
        areas = {"villages": result.villages.assign(**keys), "kecamatan": result.kecamatan.assign(**keys)}
    return ([{**ids, **result.params, **result.outcomes, **result.groups, **result.services, **result.camps}],
            result.timeseries, areas)
