"""Where results come from: the code and packages that produced them.

One description of the environment serves three checks: a Dask worker must
match its client (``sim.experiments.cluster``), a resumed experiment must
match the code it started with (``sim.experiments.runner``), and every
manifest records it.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = ("clientelism-sim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib", "hydra-core", "pydantic",
            "plotly", "ema-workbench")
ROOT = Path(__file__).resolve().parents[2]


def code_hash() -> str:
    """A hash of this package's Python code (file names and contents)."""
    root = ROOT / "sim"
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def environment() -> dict[str, str]:
    """Python's version, the versions of the packages results depend on, and the hash of this package's code."""
    out = {"python": platform.python_version()}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    out["sim code"] = code_hash()
    return out


def differences(then: dict[str, str], now: dict[str, str]) -> list[str]:
    """What differs between two environments, as 'key then → now' phrases."""
    return [f"{key} {then.get(key, 'unknown')} → {now.get(key, 'unknown')}"
            for key in sorted(set(then) | set(now)) if then.get(key) != now.get(key)]


def git_commit() -> str:
    """The checkout's commit, with '+dirty' when tracked files differ from it; 'unknown' outside git."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return out.stdout.strip() + ("+dirty" if dirty else "") if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"
