"""``python -m sim experiment=<name>``: compose the configuration with Hydra, check it, run it, report it.

Also ``resume=<folder>`` (finish an interrupted experiment with the code it started with) and
``rerun=<folder>`` (run a finished experiment again from its own record: the same specification, master
seed and constants into a new folder, which gives the same tables).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sim.errors import ConfigError, OutputError
from sim.params.registry import PARAMS

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def load_spec_file(path: str) -> object:
    """The content of an experiment file (.yaml/.yml, or an experiment folder's experiment.json), or ConfigError
    naming the file and the first problem (a YAML or JSON syntax error, a duplicate key)."""
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("experiment file", path, f"valid JSON ({exc.msg} at line {exc.lineno})") from None

    class UniqueKeys(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                raise ConfigError("experiment file", path, f"each key once (duplicate key '{key}' at line "
                                  f"{key_node.start_mark.line + 1})")
            seen.add(key)
        return loader.construct_mapping(node)

    UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return yaml.load(text, Loader=UniqueKeys)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError("experiment file", path, f"valid YAML ({problem}{where})") from None


def compose(args: list[str]):
    """The whole configuration, composed by Hydra from configs/ and the overrides (nothing written)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from sim.params.schema import register

    register()
    overrides = [a for a in args if not a.startswith("-")]
    file_spec = None
    kept = []
    for a in overrides:
        key, _, value = a.partition("=")
        if key == "experiment" and value.endswith((".yaml", ".yml", ".json")):
            file_spec = load_spec_file(value)
            if not isinstance(file_spec, dict) or not file_spec:
                raise ConfigError("experiment file", value, "a mapping of experiment keys (at least name, kind and "
                                  "what the kind needs; see README, 'Experiment files'), not "
                                  + ("an empty file" if not file_spec else f"a {type(file_spec).__name__}"))
        elif key not in ("resume", "rerun"):
            kept.append(a)
    try:
        with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
            cfg = hydra_compose(config_name="config", overrides=kept)
        if file_spec is not None:
            spec_data = file_spec
        elif cfg.experiment is not None:
            spec_data = OmegaConf.to_container(cfg.experiment, resolve=True)
        else:
            spec_data = None
    except (HydraException, OmegaConfBaseException) as exc:
        first = " ".join(str(exc).split())[:200]
        raise ConfigError("experiment", " ".join(kept), f"a configuration Hydra can compose ({first})") from None
    return cfg, spec_data


def prepare(args: list[str]):
    """Specification, master seed, constants and executor settings from the command line (raises ConfigError)."""
    from sim.experiments.spec import from_mapping

    cfg, data = compose(args)
    if data is None:
        return cfg, None, {}
    if not isinstance(data, dict) or not data:
        from_mapping(data)   # raises the message for an empty or non-mapping file
    data = dict(data)
    if cfg.replicates is not None:
        data["replicates"] = cfg.replicates
    if cfg.steps is not None:
        data["steps"] = cfg.steps
    if cfg.burn_in_steps is not None:
        data["burn_in_steps"] = cfg.burn_in_steps
    if cfg.samples is not None:
        data["samples"] = cfg.samples
    given = data.get("constants")
    if given is not None and not isinstance(given, dict):
        from_mapping(data)   # raises: constants must be a mapping
    constants = dict(given or {})
    constants.update({k: cfg[k] for k in PARAMS if cfg.get(k) is not None})
    data["constants"] = constants
    spec = from_mapping(data)
    return cfg, spec, constants


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_from_command_line(args: list[str]) -> None:
    """Run (or resume, or rerun) an experiment from command-line overrides, then write its report.

    Every way it can end is one line on stderr and an exit status: 0 done, 1 a run or an output failed
    (``error:``, naming the run or the file), 2 bad input (``error:``), 130 interrupted (``interrupted:``,
    with how to finish). SIGTERM stops it as Ctrl-C does, at any moment; an interrupted folder is resumable.
    """
    from sim.shell.signals import terminate_as_interrupt

    with terminate_as_interrupt():
        _run_from_command_line(args)


def _stop(code: int, line: str) -> None:
    print(line, file=sys.stderr, flush=True)
    sys.exit(code)


def _run_from_command_line(args: list[str]) -> None:
    from sim.experiments import budget
    from sim.experiments.executors import RunSettings
    from sim.experiments.runner import ExperimentFailed, Interrupted, check_same_code, load_folder, run_experiment
    from sim.experiments.spec import notes
    from sim.shell.cli import parsed_values

    values = parsed_values(args)
    folder_arg = values.get("resume") or values.get("rerun")
    try:
        if folder_arg is not None:
            cfg, _ = compose([a for a in args if not a.startswith(("resume=", "rerun="))])
            folder, spec, manifest = load_folder(folder_arg, key="resume" if "resume" in values else "rerun")
            seed = manifest["master_seed"]
            resume = values.get("resume")
            if resume is not None:
                check_same_code(folder, manifest, cfg.allow_code_change)
        else:
            cfg, spec, _ = prepare(args)
            seed, resume = cfg.seed, None
        cost = budget.estimate(spec, cfg.executor, cfg.workers)
        budget.check(cost, cfg.results_dir)
        if "rerun" in values:
            from sim.experiments.provenance import differences, environment

            changed = differences(manifest.get("environment") or {}, environment())
            if changed:
                _say(f"note: this code differs from that of {folder_arg} ({'; '.join(changed)}): its tables may "
                     "differ")
    except ConfigError as exc:
        _stop(2, f"error: {exc}")
    except KeyboardInterrupt:
        _stop(130, "interrupted: before the experiment started; nothing was written")

    started_in: list[Path] = []

    def started(folder: Path) -> None:
        """Once the folder exists (and a cluster answered), before any run: notes, the estimate, the folder."""
        started_in.append(folder)
        for note in notes(spec) if resume is None else ():
            _say(f"note: {note}")
        _say(cost.line(spec.name))
        _say(f"folder: {folder}")

    def finish_with(folder: Path) -> str:
        return f"python -m sim resume={folder}"

    try:
        settings = RunSettings(cfg.executor, cfg.workers, cfg.dask_address, cfg.results_dir, progress=True,
                               command=("python", "-m", "sim", *args), allow_code_change=cfg.allow_code_change)
        folder = run_experiment(spec, seed, settings, resume=resume, on_start=started)
    except ConfigError as exc:
        _stop(2, f"error: {exc}")
    except ExperimentFailed as exc:
        _stop(1, f"error: {exc}")
    except OutputError as exc:
        where = started_in[0] if started_in else None
        kept = (f"; the finished runs are kept in {where} (its manifest says what is missing); once the cause is "
                f"fixed, finish with: {finish_with(where)}") if where else "; nothing was written"
        _stop(1, f"error: {exc}{kept}")
    except Interrupted as exc:
        _stop(130, f"interrupted: the {exc.completed} finished runs are kept in {exc.folder}; finish with: "
                   f"{finish_with(exc.folder)}")
    except KeyboardInterrupt:   # while the executor started or stopped, or the tables were compacted
        if started_in:
            _stop(130, f"interrupted: the finished runs are kept in {started_in[0]}; finish with: "
                       f"{finish_with(started_in[0])}")
        _stop(130, "interrupted: before any run; nothing was written" if resume is None else
                   f"interrupted: before any run; {resume} is as it was")
    _report(folder, cfg.images)


def _report(folder: Path, images: bool) -> None:
    """The report of a finished experiment, and the two lines saying where everything is."""
    from sim.experiments.report import build

    again = f"python -m sim.experiments.report {folder}"
    try:
        report = build(folder, write_images=images)
    except KeyboardInterrupt:
        _stop(130, f"interrupted while writing the report: every run is saved in {folder}; write the report with: "
                   f"{again}")
    except OutputError as exc:
        _stop(1, f"error: {exc}; every run is saved in {folder} and its manifest says what is missing; once the "
                 f"cause is fixed, write it with: {again}")
    except ConfigError as exc:
        _stop(2, f"error: {exc}")
    print(f"results: {folder}")
    print(f"report: {report}")
