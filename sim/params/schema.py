"""The Hydra schema, derived from the parameter registry.

Every registry parameter is an optional field (``null`` = the scenario's or
policy's value), so the command line can override any of them by its registry
name; the schema is strict, so Hydra itself also rejects unknown keys.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from hydra.core.config_store import ConfigStore

from sim.params.registry import PARAMS

RUN_KEYS = ("scenario", "policy", "seed", "steps", "results_dir", "verbose")
EXPERIMENT_KEYS = ("experiment", "replicates", "samples", "burn_in_steps", "executor", "workers", "resume", "rerun",
                   "dask_address", "images", "allow_code_change")


def _schema() -> type:
    fields = [
        ("scenario", str, dataclasses.field(default="bangbayang")),
        ("policy", str, dataclasses.field(default="none")),
        ("seed", int, dataclasses.field(default=0)),
        ("steps", Optional[int], dataclasses.field(default=None)),
        ("results_dir", str, dataclasses.field(default="results")),
        ("verbose", bool, dataclasses.field(default=False)),
        # Experiments (``experiment=<name>``): the group configs/experiment/<name>.yaml.
        ("experiment", Optional[Any], dataclasses.field(default=None)),
        ("replicates", Optional[int], dataclasses.field(default=None)),
        ("samples", Optional[int], dataclasses.field(default=None)),
        ("burn_in_steps", Optional[int], dataclasses.field(default=None)),
        ("executor", str, dataclasses.field(default="processes")),
        ("workers", Optional[int], dataclasses.field(default=None)),
        ("resume", Optional[str], dataclasses.field(default=None)),
        ("rerun", Optional[str], dataclasses.field(default=None)),
        ("dask_address", Optional[str], dataclasses.field(default=None)),
        ("images", bool, dataclasses.field(default=True)),
        ("allow_code_change", bool, dataclasses.field(default=False)),
    ]
    fields += [(name, Optional[p.type], dataclasses.field(default=None)) for name, p in PARAMS.items()]
    return dataclasses.make_dataclass("RunConfig", fields)


RunConfig = _schema()


def register() -> None:
    """Register the schema with Hydra's config store (as ``run_schema``)."""
    ConfigStore.instance().store(name="run_schema", node=RunConfig)
