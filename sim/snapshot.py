"""Snapshots of a running model, and the spin-up that runs of one seed share.

A snapshot is the whole state of a ``ClientelismModel`` — households, officials, documents, ties, the pending
needs, the trailing-year accounts and every random generator's state — as bytes (``dumps``/``loads``) or a file
(``ClientelismModel.save``/``ClientelismModel.load``). A model restored from one continues bit for bit as the
model it was taken from would have. A snapshot holds the code it was taken with only by reference (Python's
pickle), so one taken by another version of the model, or with another numpy or Mesa, is refused with a
``SnapshotError`` before anything is unpickled. Unpickling runs code: load only snapshots you trust.

The spin-up (the ten years before week 1, ``spinup_weeks``) runs with no policy: no lever acts before week 1,
and nothing but ``sim.core.policies.lever`` reads a lever's intensity, start or end. Runs whose parameters differ
only in their levers (the arms of one replicate in a comparison) therefore spin up the same village with the same
draws. ``spin_up_key`` names that village (scenario, seed and every value but the levers'); ``spin_up_params``
gives the lever-free parameters it is built with; ``ClientelismModel.from_spin_up`` starts a run from it, bit
for bit as if the run had spun up on its own (``tests/test_snapshot.py``).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import ConfigError
from sim.params.registry import PARAMS, POLICY_NAMES

if TYPE_CHECKING:
    from sim.model import ClientelismModel
    from sim.params.scenarios import Resolved

MAGIC = b"clientelism-sim snapshot\n"
FORMAT = 1
# What a snapshot must match to be restored: the format, this package's code, and the packages whose objects it
# holds (numpy's generators and arrays, Mesa's model and agents, pandas's tables).
PACKAGES = ("numpy", "mesa", "pandas")

# The parameters of the levers: read only by ``sim.core.policies.lever``, which gives 0 before week 1.
LEVER_PARAMS: tuple[str, ...] = tuple(f"{lever}_{part}" for lever in POLICY_NAMES
                                      for part in ("intensity", "start_step", "end_step"))


class SnapshotError(ConfigError):
    """A snapshot that cannot be restored: not a snapshot, damaged, taken by another version, or of another
    run's spin-up."""

    def __init__(self, where: object, allowed: str):
        super().__init__("snapshot", str(where), allowed)


def stamp() -> dict[str, object]:
    """What a snapshot records of the code that took it."""
    from sim.experiments.provenance import code_hash

    return {"format": FORMAT, "sim code": code_hash(),
            **{name: metadata.version(name) for name in PACKAGES}}


def dumps(model: ClientelismModel) -> bytes:
    """The model's whole state as bytes: a header line (what took it, and the run it is of), then the pickle."""
    header = {**stamp(), "scenario": model.scenario_name, "seed": model.seed, "week": model.week,
              "steps": model.steps, "spin_up": model.spin_up_key}
    return MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + pickle.dumps(model, protocol=5)


def header(data: bytes, where: object = "bytes") -> dict[str, object]:
    """A snapshot's header, checked against this code (raises SnapshotError)."""
    if not isinstance(data, (bytes, bytearray, memoryview)) or not bytes(data[:len(MAGIC)]) == MAGIC:
        raise SnapshotError(where, "a snapshot written by ClientelismModel.save (this is not one)")
    end = bytes(data[len(MAGIC):len(MAGIC) + 4096]).find(b"\n")
    try:
        found = json.loads(bytes(data[len(MAGIC):len(MAGIC) + end]).decode()) if end >= 0 else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        found = None
    if not isinstance(found, dict):
        raise SnapshotError(where, "a whole snapshot (its header is damaged)")
    now = stamp()
    changed = [f"{key} {found.get(key, 'unknown')} (this code: {now[key]})" for key in now
               if found.get(key) != now[key]]
    if changed:
        raise SnapshotError(where, "a snapshot taken by this version of the model and its packages; this one was "
                            "taken with " + ", ".join(changed))
    found["_body"] = len(MAGIC) + end + 1
    return found


def loads(data: bytes, where: object = "bytes") -> ClientelismModel:
    """The model a snapshot holds (raises SnapshotError for one of another version, or a damaged one)."""
    from sim.model import ClientelismModel

    head = header(data, where)
    try:
        model = pickle.loads(memoryview(data)[head["_body"]:])
    except Exception as exc:   # a truncated or altered body: any unpickling error means the same
        raise SnapshotError(where, f"a whole snapshot (it cannot be read: {type(exc).__name__})") from None
    if not isinstance(model, ClientelismModel):
        raise SnapshotError(where, "a snapshot of a ClientelismModel")
    return model


def save(model: ClientelismModel, path: str | Path) -> Path:
    """Write a snapshot file atomically (a reader never sees half of one)."""
    from sim.shell.files import write_atomic

    path = Path(path)
    data = dumps(model)
    write_atomic(path, lambda tmp: Path(tmp).write_bytes(data))
    return path


def load(path: str | Path) -> ClientelismModel:
    """The model a snapshot file holds."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SnapshotError(path, f"a snapshot file that can be read ({exc.strerror or type(exc).__name__})") \
            from None
    return loads(data, path)


# ---------------------------------------------------------------- the shared spin-up
def spin_up_params(resolved: Resolved) -> Resolved:
    """The parameters a run's spin-up is built with: the run's own, its levers at their defaults (off)."""
    from sim.params.scenarios import Resolved

    values = dict(resolved)
    values.update({name: PARAMS[name].default for name in LEVER_PARAMS})
    return Resolved(resolved.scenario, "none", values)


def spin_up_key(resolved: Resolved, seed: int) -> str:
    """A name for the village a run spins up: its scenario, seed and every parameter value but the levers'."""
    values = {name: value for name, value in dict(resolved).items() if name not in LEVER_PARAMS}
    text = json.dumps({"scenario": resolved.scenario, "seed": int(seed), "values": values}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]
