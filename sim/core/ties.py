"""Ties of trust and obligation between households and their village's officials (ODD 7.4).

Each exchange with an official strengthens the household's tie to him (``strengthen``); unused ties decay
exponentially. Ties are stored lazily, as ``log(tie) + decay × step`` of their last update (one float32 per
household and official slot of its village), so that the strength now is ``exp(stored - decay × now)`` and
no array is touched in a week without exchanges. A household is locked in while some tie is at or above
``lockin_tie_threshold``; since decay is known in advance, the week a tie falls below it (``lock_expiry``) is
computed when the tie is updated, and the stock outcome is one comparison per week.
"""

from __future__ import annotations

import numpy as np

LOCK_FOREVER = np.iinfo(np.int32).max
NEVER_LOCKED = np.iinfo(np.int32).min   # before any week, the spin-up's included


def current(tie_log: np.ndarray, decay_per_step: float, step: int, households: np.ndarray | None = None
            ) -> np.ndarray:
    """Tie strengths now, for every household (rows) and official slot of its village (columns), or only for
    the ``households`` given (an index array)."""
    shift = np.float32(decay_per_step * step)
    if households is None:
        return np.exp(tie_log - shift)
    ties = np.take(tie_log, households, axis=0)   # a copy: decay and exponentiate it in place
    ties -= shift
    return np.exp(ties, out=ties)


def strength_of(tie_log: np.ndarray, households: np.ndarray, slots: np.ndarray, decay_per_step: float,
                step: int) -> np.ndarray:
    """Tie strength now of each household (index array) to one official slot each (float64)."""
    per = tie_log.shape[1]
    return np.exp(tie_log.ravel().take(households.astype(np.int64) * per + slots)
                  - np.float32(decay_per_step * step)).astype(np.float64)


def strengthen(tie: np.ndarray, gain: float) -> np.ndarray:
    """A tie after one more exchange: it closes ``gain`` of its gap to 1."""
    return tie + gain * (1 - tie)


def stored(tie: np.ndarray, decay_per_step: float, step: int) -> np.ndarray:
    """The stored (lazy) form of tie strengths set at ``step`` (a tie of 0 is stored as minus infinity)."""
    with np.errstate(divide="ignore"):
        return np.log(tie) + decay_per_step * step


def lock_expiry(tie_now: np.ndarray, step: int, threshold: float, decay_per_step: float) -> np.ndarray:
    """Last step at which a tie of strength ``tie_now`` at ``step`` stays at or above ``threshold``.

    Ties decay as ``tie * exp(-decay * weeks)``, so the expiry is known at the moment of the update; never
    the tie is already below the threshold (``NEVER_LOCKED``), ``LOCK_FOREVER`` where ties do not decay.
    """
    tie_now = np.asarray(tie_now, dtype=np.float64)
    above = tie_now >= threshold
    if decay_per_step <= 0:
        return np.where(above, LOCK_FOREVER, NEVER_LOCKED).astype(np.int32)
    weeks = np.floor(np.log(np.maximum(tie_now, 1e-12) / threshold) / decay_per_step)
    return np.where(above, np.minimum(step + weeks, LOCK_FOREVER), NEVER_LOCKED).astype(np.int32)
