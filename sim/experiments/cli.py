"""``python -m sim experiment=<name>``: compose the configuration with Hydra, check it, run it, report it."""

from __future__ import annotations

import sys
from pathlib import Path

from omegaconf import OmegaConf

from sim.errors import ConfigError
from sim.registry import PARAMS

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"


def compose(args: list[str]):
    """The whole configuration, composed by Hydra from configs/ and the overrides (nothing written)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.config import register

    register()
    overrides = [a for a in args if not a.startswith("-")]
    file_spec = None
    kept = []
    for a in overrides:
        key, _, value = a.partition("=")
        if key == "experiment" and value.endswith((".yaml", ".yml")):
            file_spec = OmegaConf.to_container(OmegaConf.load(value), resolve=True)
        elif key != "resume":
            kept.append(a)
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = hydra_compose(config_name="config", overrides=kept)
    if file_spec is not None:
        spec_data = file_spec
    elif cfg.experiment is not None:
        spec_data = OmegaConf.to_container(cfg.experiment, resolve=True)
    else:
        spec_data = None
    return cfg, spec_data


def prepare(args: list[str]):
    """Specification, master seed, constants and executor settings from the command line (raises ConfigError)."""
    from sim.experiments.spec import from_mapping

    cfg, data = compose(args)
    if data is None:
        return cfg, None, {}
    if not isinstance(data, dict):
        raise ConfigError("experiment", data, "a mapping of experiment keys")
    data = dict(data)
    if cfg.replicates is not None:
        data["replicates"] = cfg.replicates
    if cfg.steps is not None:
        data["steps"] = cfg.steps
    constants = dict(data.get("constants") or {})
    constants.update({k: cfg[k] for k in PARAMS if cfg.get(k) is not None})
    data["constants"] = constants
    spec = from_mapping(data)
    return cfg, spec, constants


def run_from_command_line(args: list[str]) -> None:
    from sim.cli import parsed_values
    from sim.experiments.runner import ExperimentFailed, Interrupted, run_experiment
    from sim.report import build

    values = parsed_values(args)
    try:
        if "resume" in values:
            cfg, _ = compose([a for a in args if not a.startswith("resume=")])
            spec, constants, seed = None, {}, 0
        else:
            cfg, spec, constants = prepare(args)
            seed = cfg.seed
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    try:
        folder = run_experiment(spec, seed, constants, executor=cfg.executor, workers=cfg.workers,
                                results_dir=cfg.results_dir, resume=values.get("resume"),
                                progress=True, command=["python", "-m", "sim", *args],
                                dask_address=cfg.dask_address)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except ExperimentFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except Interrupted:
        print("interrupted: finished runs are kept; finish with: python -m sim resume=<folder> "
              "(the folder is the newest under results/<experiment>/)", file=sys.stderr)
        sys.exit(130)
    report = build(folder)
    print(f"results: {folder}")
    print(f"report: {report}")
