"""Running a design: one parquet file per finished run, written atomically, then compaction.

Layout of an experiment folder ``results/<experiment>/<YYYY-MM-DD_HH-MM-SS>/``:

* ``experiment.json`` — the specification as run (after command-line overrides);
* ``design.parquet`` — one row per run (ids, seed, varied parameters);
* ``runs/run_<id>.parquet`` and ``timeseries/run_<id>.parquet`` — each finished
  run, written atomically (timeseries first; the run file marks completion);
* ``runs.parquet`` and ``timeseries.parquet`` — the compaction, at the end;
* ``manifest.json`` — provenance: git commit, versions, master seed, runs
  scheduled and completed, wall time, status.

An interrupted experiment keeps every finished run; ``resume=<folder>`` runs
only the missing ones and compacts the same tables as an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.errors import ConfigError, OutputError, describe
from sim.experiments import design as designs
from sim.experiments.executors import Executor, RunSettings, make_executor
from sim.experiments.jobs import AREA_TABLES, SPIN_UPS, RunFailed, groups, write_parquet
from sim.experiments.kinds import kind_of
from sim.experiments.provenance import differences, environment, git_commit
from sim.experiments.spec import Experiment, from_record
from sim.shell.files import write_atomic
from sim.shell.progress import Progress

CHECKPOINT_S = 5.0   # the manifest's count of finished runs is rewritten at most this often


# ---------------------------------------------------------------- folders
def new_folder(results_dir: str | Path, name: str) -> Path:
    """A new experiment folder ``<results_dir>/<name>/<time>`` (a suffix when that time is taken)."""
    base = Path(results_dir) / name
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    folder = base / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = base / f"{stamp}_{n}"
    return folder


def is_experiment_folder(folder: Path) -> bool:
    """Whether a folder holds an experiment (manifest, specification and design)."""
    return (folder / "manifest.json").is_file() and (folder / "design.parquet").is_file() and (
        folder / "experiment.json").is_file()


def load_folder(folder: str | Path, key: str = "resume") -> tuple[Path, Experiment, dict]:
    """An existing experiment folder: its specification and manifest (for resume and report).

    Raises:
        ConfigError: not an experiment folder, or one whose experiment.json or manifest.json is damaged
            (not JSON, not a valid experiment file, a manifest without its seed and constants); it names the file.
    """
    path = Path(folder)
    if not path.is_dir() or not is_experiment_folder(path):
        raise ConfigError(key, str(folder), "an experiment folder holding manifest.json, experiment.json and "
                          "design.parquet (results/<experiment>/<time>/)")

    def damaged(name: str, why: str) -> ConfigError:
        return ConfigError(key, str(folder), f"an experiment folder whose {name} is whole: {why}")

    record = _read_json(path / "experiment.json", damaged)
    try:
        spec = from_record(record)
    except ConfigError as exc:
        raise damaged("experiment.json", f"it is not a valid experiment file ({exc})") from None
    manifest = _read_json(path / "manifest.json", damaged)
    seed = manifest.get("master_seed")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise damaged("manifest.json", f"its master_seed is {seed!r}, not a whole number from 0 upwards")
    for name, kind in (("constants", dict), ("environment", dict), ("sessions", list)):
        if name in manifest and not isinstance(manifest[name], kind):
            raise damaged("manifest.json", f"its {name} is {manifest[name]!r}, not a {kind.__name__}")
    if not isinstance(manifest.get("constants"), dict):
        raise damaged("manifest.json", "it has no constants")
    wall = manifest.get("wall_time_s", 0.0)
    manifest["wall_time_s"] = float(wall) if isinstance(wall, int | float) and not isinstance(wall, bool) else 0.0
    return path, spec, manifest


def _read_json(path: Path, damaged) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise damaged(path.name, f"it cannot be read as JSON ({describe(exc)})") from None
    if not isinstance(data, dict):
        raise damaged(path.name, f"it holds a {type(data).__name__}, not a mapping")
    return data


def read_design(folder: Path) -> pd.DataFrame:
    """A folder's design table, or ConfigError when design.parquet is damaged (not a table, or not a design)."""
    try:
        design = pd.read_parquet(folder / "design.parquet")
    except (OSError, ValueError, pa.ArrowException) as exc:
        why = f"it cannot be read ({describe(exc)[:160]})"
    else:
        required = {"run_id", "policy", "levers", "seed"}
        if required <= set(design.columns) and design["run_id"].is_unique and len(design):
            return design
        why = f"it lacks the columns or rows of a design ({', '.join(sorted(required))}, one row a run)"
    raise ConfigError("resume", str(folder), f"an experiment folder whose design.parquet is whole: {why}")


def completed_ids(folder: Path) -> set[int]:
    """Ids of the runs that finished: those whose run file exists (it is written last), with their time series
    (and area tables, in a scenario of several villages) beside it; a run missing one of them runs again."""
    done = _ids(folder / "runs")
    for sub in ("timeseries", *AREA_TABLES):
        if sub == "timeseries" or (folder / sub).is_dir():
            done &= _ids(folder / sub)
    return done


def _ids(where: Path) -> set[int]:
    ids = set()
    for f in where.glob("run_*.parquet"):
        number = f.stem.split("_")[1]
        if number.isdigit():   # a file someone else named run_<something>.parquet is no run
            ids.add(int(number))
    return ids


def _clean_partial(folder: Path) -> None:
    """Remove temporary files left by a run (or a report) stopped while writing."""
    for sub in ("runs", "timeseries", *AREA_TABLES, "figures", "."):
        for f in (folder / sub).glob(".*.tmp"):
            f.unlink()


def create_folder(folder: Path, spec: Experiment, design: pd.DataFrame, manifest: dict) -> None:
    """A new experiment folder with its specification, design and manifest, all or nothing: written into a
    hidden folder beside it, then renamed into place (an interruption or a full disk leaves no folder that
    looks like an experiment but is not one)."""
    staging = folder.parent / f".{folder.name}.tmp"
    try:
        staging.mkdir(parents=True)
        record = spec.model_dump()   # its kind's keys: a valid experiment file
        write_atomic(staging / "experiment.json", lambda p: Path(p).write_text(json.dumps(record, indent=2)))
        write_parquet(staging / "design.parquet", design)
        write_manifest(staging, manifest)
        os.rename(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(folder, exc) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# ---------------------------------------------------------------- provenance
def write_manifest(folder: Path, manifest: dict) -> None:
    """Write the manifest atomically."""
    write_atomic(folder / "manifest.json", lambda p: Path(p).write_text(json.dumps(manifest, indent=2)))


def record_missing(folder: Path, manifest: dict, missing: dict[str, str]) -> None:
    """Record in the manifest the outputs that are not (yet) written, each with why: ``missing``, a mapping of
    paths relative to the folder to causes ({} when every output is there)."""
    manifest["missing"] = dict(missing)
    write_manifest(folder, manifest)


# ---------------------------------------------------------------- executing
class Interrupted(Exception):
    """The experiment was stopped (Ctrl-C or SIGTERM); finished runs are kept (``folder``, ``completed``)."""

    def __init__(self, folder: Path | None = None, completed: int = 0):
        super().__init__(f"interrupted after {completed} runs in {folder}")
        self.folder = folder
        self.completed = completed


class ExperimentFailed(Exception):
    """An experiment stopped because one of its runs failed (the message says which, and what to do)."""


def execute(folder: Path, design: pd.DataFrame, spec: Experiment, executor: Executor, progress: bool = True,
            checkpoint=None) -> int:
    """Run every design row without a run file with ``executor``; return how many ran.

    ``checkpoint()`` is called after every finished run (the manifest's count is kept current with it).

    Raises:
        RunFailed: a run raised; the other runs in flight are finished (and kept), none is started.
        Interrupted: Ctrl-C or SIGTERM; the runs in progress finish first (with the processes executor).
    """
    done = completed_ids(folder)
    todo = design[~design["run_id"].isin(done)]
    if todo.empty:
        return 0
    every = kind_of(spec).series_every
    data = spec.model_dump()

    def rows():   # read as they are grouped, a thousand design rows at a time
        for start in range(0, len(todo), 1000):
            for row in todo.iloc[start:start + 1000].to_dict("records"):
                yield _plain(row)

    bar = Progress(len(design), spec.name, unit="runs", done=len(done), enabled=progress, lines=True)

    def finished() -> None:
        bar.advance()
        if checkpoint is not None:
            checkpoint()

    spin_ups = folder / SPIN_UPS      # snapshots of spun-up villages: only while their runs run
    shutil.rmtree(spin_ups, ignore_errors=True)
    try:
        executor.run(groups(folder, rows(), data, every), finished)
    except KeyboardInterrupt:
        raise Interrupted() from None
    finally:
        bar.close()
        shutil.rmtree(spin_ups, ignore_errors=True)
    return len(todo)


def _plain(row: dict) -> dict:
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}


# ---------------------------------------------------------------- compaction
def compact(folder: Path, batch_files: int = 200) -> None:
    """Merge the per-run files into runs.parquet, timeseries.parquet (and villages.parquet and
    kecamatan.parquet when there are several villages), in run order.

    The schemas of the per-run files are unified first, one at a time (a
    column a run lacks, such as an uncertainty a Sobol stage does not vary,
    becomes nulls); then the files are read ``batch_files`` at a time as a
    pyarrow dataset with that schema (several threads, file order kept) and
    streamed through one writer, so memory stays bounded however many runs the
    experiment has.

    Raises:
        ConfigError: a run's file is damaged (it names the file, and what to do).
        OutputError: a table could not be written.
    """
    for name in ("runs", "timeseries", *AREA_TABLES):
        if not (folder / name).is_dir():
            continue
        files = sorted((f for f in (folder / name).glob("run_*.parquet") if f.stem.split("_")[1].isdigit()),
                       key=lambda f: int(f.stem.split("_")[1]))
        schema = None
        for f in files:   # one schema at a time: holding tens of thousands of them costs hundreds of MB
            try:
                other = pq.read_schema(f).remove_metadata()
            except (OSError, ValueError, pa.ArrowException) as exc:   # truncated or overwritten since it was written
                raise ConfigError("resume", str(folder), f"an experiment folder whose run files are whole tables: "
                                  f"{name}/{f.name} is not ({describe(exc)[:120]}); delete it and resume again, "
                                  "which runs that run anew") from None
            schema = other if schema is None else pa.unify_schemas([schema, other], promote_options="permissive")
        if schema is None:
            continue

        def write(tmp, files=files, schema=schema):
            with pq.ParquetWriter(tmp, schema) as writer:
                for start in range(0, len(files), batch_files):
                    batch = ds.dataset([str(f) for f in files[start:start + batch_files]], schema=schema,
                                       format="parquet")
                    writer.write_table(batch.to_table())

        write_atomic(folder / f"{name}.parquet", write)


# ---------------------------------------------------------------- an experiment
def run_experiment(spec: Experiment | None, master_seed: int, settings: RunSettings, *,
                   resume: str | Path | None = None, on_start: Callable[[Path], None] | None = None) -> Path:
    """Generate (or reload) the design, run what is missing, compact, and return the folder.

    ``settings`` say how and where it runs (see ``RunSettings``). With ``resume=<folder>`` the folder's
    specification and master seed are used instead of ``spec`` and ``master_seed``, and the code and packages
    must be those it started with (or ``settings.allow_code_change``). ``on_start(folder)`` is called once the
    folder exists, before any run. The executor is set up, and a Dask cluster reached and checked, before
    anything is written.
    """
    if resume is not None:
        _, _, manifest = load_folder(resume)     # a bad folder, or other code, is reported before connecting
        check_same_code(Path(resume), manifest, settings.allow_code_change)
    runner = make_executor(settings)
    try:
        return _run(spec, master_seed, settings, runner, resume, on_start)
    finally:
        runner.close()


def check_same_code(folder: Path, manifest: dict, allow_code_change: bool) -> None:
    """A resumed experiment must finish with the code and packages it started with, so that its runs are all
    of one model (``allow_code_change=true`` accepts a mix knowingly; the manifest records each session)."""
    then = manifest.get("environment")
    now = environment()
    if then == now or allow_code_change:
        return
    changed = "; ".join(differences(then, now)) if then else "its environment was not recorded"
    raise ConfigError("resume", str(folder), f"an experiment started with this code and these packages "
                      f"({changed}); check out the commit it started with (git {manifest.get('git_commit', '?')}) "
                      "and its packages, or pass allow_code_change=true to finish it with this code (its runs would "
                      "then come from two versions of the model; the manifest records both)")


def _run(spec: Experiment | None, master_seed: int, settings: RunSettings, runner: Executor,
         resume: str | Path | None, on_start: Callable[[Path], None] | None) -> Path:
    from sim.experiments.cluster import ClusterLost

    start = time.time()
    workers = settings.workers or os.cpu_count() or 1
    executor, dask_address = settings.executor, settings.dask_address
    if resume is not None:
        folder, spec, manifest = load_folder(resume)
        master_seed = manifest["master_seed"]
        _clean_partial(folder)
        design = read_design(folder)
        designs.validate(spec, design)
    else:
        design = designs.initial(spec, master_seed)
        designs.validate(spec, design)      # every run's inputs, before anything is written
        folder = new_folder(settings.results_dir, spec.name)
        manifest = {"experiment": spec.name, "kind": spec.kind, "master_seed": master_seed,
                    "constants": dict(spec.constants), "command": list(settings.command or sys.argv),
                    "started": datetime.now().isoformat(timespec="seconds"), "wall_time_s": 0.0,
                    "environment": environment(), "sessions": []}
    commit = git_commit()
    session = {"started": datetime.now().isoformat(timespec="seconds"), "git_commit": commit,
               "environment": environment(), "executor": executor, "workers": workers,
               "runs_before": len(completed_ids(folder)), "allow_code_change": bool(settings.allow_code_change)}
    manifest.setdefault("sessions", []).append(session)
    manifest.update({"git_commit": manifest.get("git_commit", commit) if resume is not None else commit,
                     "versions": session["environment"], "python": platform.python_version(),
                     "platform": platform.platform(), "executor": executor, "workers": workers,
                     "dask_address": dask_address, "runs_scheduled": int(len(design)),
                     "runs_completed": session["runs_before"], "status": "running"})
    if resume is None:
        create_folder(folder, spec, design, manifest)
    else:
        write_manifest(folder, manifest)

    last_write = [time.monotonic()]

    def checkpoint() -> None:
        """Keep the manifest's count current (every few seconds), so that even a killed experiment's is near."""
        if time.monotonic() - last_write[0] >= CHECKPOINT_S:
            last_write[0] = time.monotonic()
            manifest["runs_completed"] = len(completed_ids(folder))
            write_manifest(folder, manifest)

    def close(status: str, **extra) -> None:
        completed = len(completed_ids(folder))
        session["runs_after"] = completed
        manifest.update(status=status, runs_completed=completed,
                        wall_time_s=round(manifest["wall_time_s"] + time.time() - start, 3), **extra)
        write_manifest(folder, manifest)

    # SIGTERM stops like Ctrl-C (only the main thread may set handlers; elsewhere the caller decides).
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGTERM) if main_thread else None
    if main_thread:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        if on_start is not None:
            on_start(folder)
        execute(folder, design, spec, runner, settings.progress, checkpoint)
        kind = kind_of(spec)
        while (stage := kind.next_stage(spec, partial(_read_runs, folder), master_seed, design)) is not None:
            designs.validate(spec, stage)
            design = pd.concat([design, stage], ignore_index=True)
            write_parquet(folder / "design.parquet", design)
            manifest["runs_scheduled"] = int(len(design))
            write_manifest(folder, manifest)
            execute(folder, design, spec, runner, settings.progress, checkpoint)
        compact(folder)
    except ClusterLost as exc:
        close("interrupted")
        raise ConfigError("dask_address", dask_address or "local cluster",
                          f"a cluster that stays up: it went away after {manifest['runs_completed']} of "
                          f"{manifest['runs_scheduled']} runs ({str(exc)[:80]}); finish with "
                          f"python -m sim resume={folder}") from None
    except (Interrupted, KeyboardInterrupt):
        close("interrupted")
        raise Interrupted(folder, manifest["runs_completed"]) from None
    except RunFailed as exc:
        close("failed", failed_run={"run_id": exc.run_id, "inputs": exc.inputs, "error": exc.error})
        if exc.invalid_input:
            what = ("resume= cannot finish it: its inputs are invalid and would fail again; fix the experiment "
                    "file and start it anew")
        else:
            what = (f"python -m sim resume={folder} reruns it and the remaining runs (it fails again if the error "
                    "comes from the model with these inputs)")
        raise ExperimentFailed(
            f"run {exc.run_id} of {manifest['runs_scheduled']} failed ({exc.error}); its inputs are in "
            f"{folder / 'manifest.json'} under failed_run; the {manifest['runs_completed']} finished runs are kept; "
            f"{what}") from None
    except ConfigError:          # a damaged run file: what to do is in the message
        close("failed")
        raise
    except OutputError as exc:   # a run's file, a table or the manifest: the runs finished before it are kept
        try:
            close("failed", missing={os.path.relpath(exc.path, folder): exc.cause})
        except OutputError:      # the manifest itself cannot be written: the first error says why
            pass
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    # The runs and their tables are complete; the report's files are written (and recorded) by the report.
    close("complete", finished=datetime.now().isoformat(timespec="seconds"),
          missing={"report.html": f"not written yet (python -m sim.experiments.report {folder} writes it)"})
    return folder


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _read_runs(folder: Path) -> pd.DataFrame:
    files = sorted((folder / "runs").glob("run_*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True).sort_values("run_id")
