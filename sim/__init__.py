"""Clientelism in village public service delivery: an agent-based model on Mesa."""

from sim.model import ClientelismModel
from sim.run import RunResult, run_scenario

__all__ = ["ClientelismModel", "RunResult", "run_scenario"]
