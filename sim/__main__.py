"""Command line: ``python -m sim scenario=bangbayang policy=pemekaran seed=3 [param=value ...]``.

Runs one scenario under one policy and writes its tables (``outcomes.csv``, a
row of ids, seed, parameters and outcomes; ``timeseries.csv``, a row per week)
into a new folder under ``results/``.
"""

from __future__ import annotations

import sys

from sim.errors import ConfigError


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    from sim.cli import check_overrides

    try:
        check_overrides(sys.argv[1:])
    except ConfigError as exc:
        _fail(str(exc))

    import hydra
    from omegaconf import DictConfig

    from sim.config import register

    register()

    @hydra.main(version_base="1.3", config_path="../configs", config_name="config")
    def run(cfg: DictConfig) -> None:
        from sim.output import run_and_write

        try:
            run_and_write(cfg)
        except ConfigError as exc:
            _fail(str(exc))

    run()


if __name__ == "__main__":
    main()
