"""Clientelism in village public service delivery: an agent-based model on Mesa.

``ClientelismModel`` is the Mesa model; ``run_scenario`` runs one scenario
under one policy and returns its outcomes and time series.
"""

__all__ = ["ClientelismModel", "RunResult", "run_scenario"]


def __getattr__(name):
    # Imported lazily so that ``python -m sim.params.registry`` and the command line
    # load only what they need.
    if name == "ClientelismModel":
        from sim.model import ClientelismModel

        return ClientelismModel
    if name in ("RunResult", "run_scenario"):
        from sim import simulation

        return getattr(simulation, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
