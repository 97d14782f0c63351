"""Command line.

One run: ``python -m sim scenario=bangbayang policy=pemekaran seed=3 [param=value ...]``
writes its tables (``outcomes.csv``, ``timeseries.csv``, ``run.json``) into a
new folder under ``results/``.

An experiment: ``python -m sim experiment=policy_comparison [replicates=N] [seed=S]
[executor=serial|processes] [workers=N] [param=value ...]`` runs
``configs/experiment/<name>.yaml`` (or a path to such a file) into
``results/<experiment>/<time>/`` and writes its report; ``resume=<folder>``
finishes an interrupted one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.errors import ConfigError, OutputError


def _fail(message: str, code: int = 2) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    """``python -m sim``: check the command line, then one run (through Hydra) or an experiment."""
    try:
        _main()
    except KeyboardInterrupt:   # a single run, or the checks before anything runs: nothing half written
        print("interrupted", file=sys.stderr)
        sys.exit(130)


def _main() -> None:
    from sim.shell.cli import check_overrides, wants_experiment

    args = sys.argv[1:]
    try:
        checked = check_overrides(args)
    except ConfigError as exc:
        _fail(str(exc))
    if wants_experiment(args):
        from sim.experiments.launch import run_from_command_line

        run_from_command_line(args)
        return

    import hydra
    from omegaconf import DictConfig

    from sim.params.schema import register

    register()

    # An absolute path: the entry point can then be called more than once in one process (tests call it so).
    @hydra.main(version_base="1.3", config_path=str(Path(__file__).resolve().parents[1] / "configs"),
                config_name="config")
    def run(cfg: DictConfig) -> None:
        from sim.shell.single_run import run_and_write

        try:
            run_and_write(cfg, checked.get((cfg.scenario, cfg.policy)))
        except ConfigError as exc:
            _fail(str(exc))
        except OutputError as exc:
            _fail(str(exc), code=1)

    run()


if __name__ == "__main__":
    main()
