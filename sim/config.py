"""The Hydra schema, derived from the parameter registry.

Every registry parameter is an optional field (``null`` = the scenario's or
policy's value), so the command line can override any of them by its registry
name; the schema is strict, so Hydra itself also rejects unknown keys.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from hydra.core.config_store import ConfigStore

from sim.registry import PARAMS

RUN_KEYS = ("scenario", "policy", "seed", "steps", "results_dir")


def _schema() -> type:
    fields = [
        ("scenario", str, dataclasses.field(default="bangbayang")),
        ("policy", str, dataclasses.field(default="none")),
        ("seed", int, dataclasses.field(default=0)),
        ("steps", Optional[int], dataclasses.field(default=None)),
        ("results_dir", str, dataclasses.field(default="results")),
    ]
    fields += [(name, Optional[p.type], dataclasses.field(default=None)) for name, p in PARAMS.items()]
    return dataclasses.make_dataclass("RunConfig", fields)


RunConfig = _schema()


def register() -> None:
    ConfigStore.instance().store(name="run_schema", node=RunConfig)
