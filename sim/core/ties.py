"""Ties of trust and obligation between households and their village's officials (ODD 7.4).

Each exchange with an official strengthens the household's tie to him (``Ties.record_exchanges``); unused ties
decay exponentially. Ties are stored lazily, as ``log(tie) + decay × week`` of their last update (one float32
per household and official slot of its village), so that the strength now is ``exp(stored - decay × now)`` and
no array is touched in a week without exchanges. A household is locked in while some tie is at or above
``lockin_tie_threshold``; since decay is known in advance, the week a tie falls below it (``lock_expiry``) is
computed when the tie is updated, and the stock outcome is one comparison per week.

``Ties`` is the only writer of the tie record (the stored ties, the official of each household's last
entrusted exchange and the week its lock-in ends), so that the three stay consistent whoever changes them:
an exchange, an official's dismissal, the initial patronage.
"""

from __future__ import annotations

import numpy as np

LOCK_FOREVER = np.iinfo(np.int32).max
NEVER_LOCKED = np.iinfo(np.int32).min   # before any week, the spin-up's included
NO_OFFICIAL = -1


def strengthen(tie: np.ndarray, gain: float) -> np.ndarray:
    """A tie after one more exchange: it closes ``gain`` of its gap to 1."""
    return tie + gain * (1 - tie)


def stored(tie: np.ndarray, decay_per_week: float, week: int) -> np.ndarray:
    """The stored (lazy) form of tie strengths set at ``week`` (a tie of 0 is stored as minus infinity)."""
    with np.errstate(divide="ignore"):
        return np.log(tie) + decay_per_week * week


def lock_expiry(tie_now: np.ndarray, week: int, threshold: float, decay_per_week: float) -> np.ndarray:
    """Last week at which a tie of strength ``tie_now`` at ``week`` stays at or above ``threshold``.

    Ties decay as ``tie * exp(-decay * weeks)``, so the expiry is known at the moment of the update; never
    the tie is already below the threshold (``NEVER_LOCKED``), ``LOCK_FOREVER`` where ties do not decay.
    """
    tie_now = np.asarray(tie_now, dtype=np.float64)
    above = tie_now >= threshold
    if decay_per_week <= 0:
        return np.where(above, LOCK_FOREVER, NEVER_LOCKED).astype(np.int32)
    weeks = np.floor(np.log(np.maximum(tie_now, 1e-12) / threshold) / decay_per_week)
    return np.where(above, np.minimum(week + weeks, LOCK_FOREVER), NEVER_LOCKED).astype(np.int32)


class Ties:
    """Every household's ties to the official slots of its village (rows: households; columns: slots), the slot
    of its last entrusted exchange and the last week it stays locked in.

    Args:
        n_households: rows.
        n_slots: officials per village (the columns).
        decay_per_week: the ties' exponential decay rate per week.
        threshold: the strength of a loyal client's tie (``lockin_tie_threshold``).
    """

    def __init__(self, n_households: int, n_slots: int, decay_per_week: float, threshold: float):
        self.log = np.full((n_households, n_slots), -np.inf, dtype=np.float32)   # log(tie) + decay × week set
        self.last_official = np.full(n_households, NO_OFFICIAL, dtype=np.int16)
        self.lock_until = np.full(n_households, NEVER_LOCKED, dtype=np.int32)
        self.decay = decay_per_week
        self.threshold = threshold

    # ------------------------------------------------------------------ reading
    def current(self, week: int, households: np.ndarray | None = None) -> np.ndarray:
        """Tie strengths at ``week`` of every household (or of the ``households`` given, an index array) to each
        official slot of its village (float32)."""
        shift = np.float32(self.decay * week)
        if households is None:
            return np.exp(self.log - shift)
        ties = np.take(self.log, households, axis=0)   # a copy: decay and exponentiate it in place
        ties -= shift
        return np.exp(ties, out=ties)

    def strength_of(self, households: np.ndarray, slots: np.ndarray, week: int) -> np.ndarray:
        """Tie strength at ``week`` of each household (index array) to one official slot each (float64)."""
        per = self.log.shape[1]
        return np.exp(self.log.ravel().take(households.astype(np.int64) * per + slots)
                      - np.float32(self.decay * week)).astype(np.float64)

    def locked_in(self, week: int) -> np.ndarray:
        """Boolean mask of the households locked in at ``week`` (some tie at or above the threshold)."""
        return self.lock_until >= week

    # ------------------------------------------------------------------ writing
    def start(self, households: np.ndarray, slots: np.ndarray, strength: np.ndarray, week: int) -> None:
        """Initial patronage: each household (index array, each once) tied to one slot with ``strength`` as of
        ``week``, that slot its last official."""
        self.log[households, slots] = stored(strength, self.decay, week)
        self.last_official[households] = slots
        self.lock_until[households] = lock_expiry(strength, week, self.threshold, self.decay)

    def record_exchanges(self, households: np.ndarray, slots: np.ndarray, tie_now: np.ndarray, gain: float,
                         week: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """This week's entrusted exchanges (one per case: household, official slot, the tie's strength before
        it); returns, per case, whether the household had entrusted a need before, whether this is the same
        official as its previous one, and the tie after the exchange."""
        had_one = self.last_official[households] != NO_OFFICIAL
        is_repeat = had_one & (self.last_official[households] == slots)
        new_tie = strengthen(tie_now, gain)
        self.log[households, slots] = stored(new_tie, self.decay, week)
        self.last_official[households] = slots
        self.lock_until[households] = np.maximum(
            self.lock_until[households], lock_expiry(new_tie, week, self.threshold, self.decay))
        return had_one, is_repeat, new_tie

    def forget(self, households: np.ndarray, slot: int) -> None:
        """An official's seat changed hands: his clients' ties to that slot end (``households``: an index array of
        his village's households), and he is no longer their last official. Call ``relock`` afterwards."""
        self.log[households, slot] = -np.inf
        self.last_official[households[self.last_official[households] == slot]] = NO_OFFICIAL

    def relock(self, households: np.ndarray, week: int) -> None:
        """Recompute the lock-in of ``households`` (index array) from their strongest tie at ``week``."""
        strongest = self.current(week, households).max(axis=1)
        self.lock_until[households] = lock_expiry(strongest, week, self.threshold, self.decay)
