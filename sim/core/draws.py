"""The week's random draws, village by village (ODD 4, Stochasticity): common random numbers that hold in every village.

Every draw of a week is a pure function of five things: the model's key (drawn once from its generator when the
model is built), the *site* that draws (one name per place in the rules that asks for chance, ``Site``), the
week, *who* draws (a household, an official, a need, or a village's j-th event of the week) and, where one draw
has several parts, the part. Nothing is drawn in sequence from a shared stream, so nothing one village does
moves the draws of another: two runs of one seed whose levers leave a village untouched (pemekaran Brebes Selatan
and the northern kecamatan, say) simulate that village bit for bit alike, and a paired policy effect there is
exactly zero, not noise. Within a village the same holds need by need: a need draws the same chances whatever
else is pending.

The draw is the SplitMix64 generator's output function (Steele, Lea and Flood 2014) applied to a key made of
those five: ``mix(base(key, site, week, part) + who × golden)``, where ``base`` mixes the first four. For one
``base`` the draws of consecutive ``who`` are exactly SplitMix64's stream, which passes BigCrush.

Events that befall a village's households at a rate (needs for village letters, births, a chat with a contact)
are drawn without a pass over every household: a Poisson number per village at the village's expected count
(``scatter``), each event then at a household of that village drawn uniformly; the j-th event of a village in a
week has its own key. That is the law of households each hit at the rate per week, more than once at times.
"""

from __future__ import annotations

import functools
import math
from enum import IntEnum
from typing import NamedTuple

import numpy as np
from scipy import special

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_UNIT = 2.0 ** -53
_MASK = (1 << 64) - 1
_OWNER_SHIFT = np.uint64(32)        # who = owner × 2^32 + j for an owner's j-th event


class Site(IntEnum):
    """Every place in the weekly rules that draws (its number enters the draw's key: never renumber)."""

    LIFE_EVENTS = 1           # life events (``sim.core.documents.EventKind``): how many per village,
    LIFE_EVENTS_WHO = 2       # whose,
    LIFE_EVENTS_KEEP = 3      # which are kept for the members the household has,
    PERSONAL_EVENT = 4        # births, deaths, marriages, moves, new households: which one
    HAD_CERTIFICATE = 5       # the child come of age held a birth certificate
    HAD_KTP = 6               # the adult gone held an e-KTP
    SEEK_AT_BIRTH = 7         # a birth certificate sought at once
    SEEK_AT_17 = 8            # an e-KTP sought at 17
    SCHOOL_LACKING = 9        # the child entering school is one without a certificate
    NEED_ARRIVAL = 10         # needs for letters and land papers: how many per village and service,
    NEED_ARRIVAL_WHO = 11     # and whose
    PICK_NOISE = 12           # the noise in a household's pick of an official (one part per official slot)
    CHANNEL_TASTE = 13        # the logit choice's Gumbel term (one part per channel)
    IN_PERSON_SUCCESS = 14
    ONLINE_SUCCESS = 15
    PRIORITY = 16             # an official's tie-break between equal clients
    ASKS_FEE = 17             # whether the official asks a fee for the case
    COMPLAINT = 18
    LAPSE = 19                # a deferred need lapses
    CONTACT = 20              # a household meets a contact: how many per village,
    CONTACT_WHO = 21          # who,
    CONTACT_WHICH = 22        # and which contact
    TRAINING = 23             # digital training: how many per village,
    TRAINING_WHO = 24         # and who (or the candidates)
    MOBILE_VISIT = 25         # the registry's mobile service visits this week
    SANCTION = 26             # a complaint is followed up (one draw per complaint)
    LIFE_EVENTS_KIND = 27     # the kind of a life event
    NEED_ARRIVAL_SERVICE = 28  # the service a need for a letter or land paper is for


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's output function, in place on an unsigned 64-bit array (arithmetic modulo 2^64)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


_FEW = 6                           # below this many draws, ``Draws.uniform`` computes on Python integers
_GOLDEN_INT = int(GOLDEN)


def _mix_int(x: int) -> int:
    """``_mix`` of one Python integer below 2^64."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def need_keys(households: np.ndarray, services: np.ndarray, week: int, rank: np.ndarray) -> np.ndarray:
    """The keys of needs: each need's household, service and week, and its rank among needs of the same
    household, service and week (a second birth certificate sought by one household in one week)."""
    packed = ((households.astype(np.uint64) << np.uint64(29)) | (services.astype(np.uint64) << np.uint64(21))
              | np.uint64((week + (1 << 20)) & ((1 << 21) - 1)))
    packed *= GOLDEN
    packed += rank.astype(np.uint64)
    return _mix(packed)


def event_keys(owners: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The key of the ``j``-th event of the week of each of ``owners`` (a village, an official)."""
    return (owners.astype(np.uint64) << _OWNER_SHIFT) | j.astype(np.uint64)


_WIDTH = 8      # counts tried at once around the guess of a Poisson quantile


def poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """The smallest count ``k`` whose Poisson(``lam``) distribution function reaches ``u`` (one per element; 0
    where ``lam`` is 0). The distribution function is evaluated at once at eight counts from a little below
    the Cornish-Fisher guess (``scipy.special.pdtr`` below them, the probabilities summed within them); where
    the quantile lies outside them, the search steps on from there (rare)."""
    u = np.asarray(u, dtype=np.float64)
    lam = np.asarray(lam, dtype=np.float64)
    if u.shape == (1,):                       # one village: the same search on Python numbers, at a fifth of
        return np.array([_quantile_one(float(u[0]), float(lam[0]))], dtype=np.int64)   # the overhead
    positive = lam > 0
    lam = np.where(positive, lam, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = special.ndtri(u)
        guess = lam + np.sqrt(lam) * z + (z * z - 1.0) / 6.0
    start = np.maximum(np.floor(np.nan_to_num(guess, nan=0.0, posinf=0.0, neginf=0.0)) - 3.0, 0.0)
    below = np.where(start > 0, special.pdtr(start - 1.0, lam), 0.0)          # P(X < start)
    ratio = lam[:, None] / (start[:, None] + np.arange(1.0, _WIDTH))
    pmf = np.empty((u.shape[0], _WIDTH))
    pmf[:, 0] = np.exp(start * np.log(lam) - lam - special.gammaln(start + 1.0))
    pmf[:, 1:] = pmf[:, :1] * np.cumprod(ratio, axis=1)
    reached = (below[:, None] + np.cumsum(pmf, axis=1)) >= u[:, None]
    k = start + np.argmax(reached, axis=1)
    # Outside the window: not reached at its top (step up), or reached already below it (step down).
    low = ~reached[:, -1]
    high = (below >= u) & (start > 0)
    k[low] = start[low] + (_WIDTH - 1)
    while low.any():
        k[low] += 1.0
        low[low] = special.pdtr(k[low], lam[low]) < u[low]
    while high.any():
        k[high] -= 1.0
        high[high] = (k[high] > 0) & (special.pdtr(k[high] - 1.0, lam[high]) >= u[high])
    k[~positive] = 0.0
    return k.astype(np.int64)


def _quantile_one(u: float, lam: float) -> int:
    """``poisson_quantile`` of one number."""
    if lam <= 0:
        return 0
    z = float(special.ndtri(u))
    guess = lam + math.sqrt(lam) * z + (z * z - 1.0) / 6.0 if math.isfinite(z) else 0.0
    start = max(math.floor(guess) - 3.0, 0.0)
    below = float(special.pdtr(start - 1.0, lam)) if start > 0 else 0.0
    if below >= u:                                    # below the window: step down
        k = start
        while k > 0 and float(special.pdtr(k - 1.0, lam)) >= u:
            k -= 1.0
        return int(k)
    pmf = math.exp(start * math.log(lam) - lam - math.lgamma(start + 1.0))
    cdf = below + pmf
    k = start
    for j in range(1, _WIDTH):
        if cdf >= u:
            return int(k)
        pmf *= lam / (start + j)
        cdf += pmf
        k = start + j
    if cdf >= u:
        return int(k)
    while float(special.pdtr(k, lam)) < u:            # above the window: step up
        k += 1.0
    return int(k)


MAX_PARTS = 1 << 16                # parts of one draw (``Draws.bits``)
_WEEK_GAMMA = 0x9E3779B97F4A7C15
_SITES = np.arange(max(Site) + 1, dtype=np.uint64)


@functools.lru_cache(maxsize=64)
def _site_keys(key: int, site: int | None, parts: int) -> np.ndarray:
    """The model's key and each site and part, mixed (what of a draw's base is the same every week): part 0 of
    every site when ``site`` is None, else parts 0 to ``parts`` - 1 of ``site``."""
    if site is None:
        keys = _SITES * np.uint64(MAX_PARTS)
    else:
        keys = np.uint64(site * MAX_PARTS) + np.arange(parts, dtype=np.uint64)
    keys *= np.uint64(0x632BE59BD9B4E019)
    keys += np.uint64(key & _MASK)
    keys = _mix(keys)
    keys.setflags(write=False)
    return keys


class Draws:
    """The draws of one week (``week``) of a model whose key is ``key``."""

    __slots__ = ("key", "week", "_week_term", "_bases", "_part_bases")

    def __init__(self, key: int, week: int):
        self.key = int(key)
        self.week = int(week)
        # A draw's base: the key, the site and part, and the week, mixed (part 0 of every site at once).
        self._week_term = np.uint64(((self.week + (1 << 20)) * _WEEK_GAMMA) & _MASK)
        self._bases = _mix(_site_keys(self.key, None, 1) + self._week_term)
        self._part_bases: dict[tuple[int, int], np.ndarray] = {}

    def _parts(self, site: Site, parts: int) -> np.ndarray:
        bases = self._part_bases.get((site, parts))
        if bases is None:
            if not 1 <= parts <= MAX_PARTS:
                raise ValueError(f"a draw has 1 to {MAX_PARTS} parts, not {parts}")
            bases = self._part_bases[(site, parts)] = _mix(_site_keys(self.key, int(site), parts) + self._week_term)
        return bases

    def bits(self, site: Site, who: np.ndarray, parts: int | None = None) -> np.ndarray:
        """64 random bits for each of ``who`` (non-negative integers or 64-bit keys), or one column for each of
        the parts 0 to ``parts`` - 1 of each draw when ``parts`` is given (part 0 is the draw without parts)."""
        who = np.multiply(who, GOLDEN, dtype=np.uint64, casting="unsafe")
        if parts is None:
            who += self._bases[site]
            return _mix(who)
        return _mix(who[:, None] + self._parts(site, parts)[None, :])

    def uniform(self, site: Site, who: np.ndarray, parts: int | None = None) -> np.ndarray:
        """Uniform draws on [0, 1), 53 bits, one per ``who`` (and part: see ``bits``)."""
        if parts is None and np.size(who) <= _FEW:
            # The same arithmetic on Python integers: for a handful of draws, a tenth of numpy's overhead.
            base = int(self._bases[site])
            return np.array([(_mix_int((int(w) * _GOLDEN_INT + base) & _MASK) >> 11) * _UNIT
                             for w in np.asarray(who).tolist()], dtype=np.float64)
        x = self.bits(site, who, parts)
        x >>= _S11
        return x * _UNIT

    def uniform32(self, site: Site, who: np.ndarray, parts: int | None = None) -> np.ndarray:
        """Uniform draws on [0, 1) in single precision (24 bits), one per ``who`` (and part)."""
        return (self.bits(site, who, parts) >> np.uint64(40)).astype(np.float32) * np.float32(2.0 ** -24)

    def chance(self, site: Site, who: np.ndarray, probability: np.ndarray | float) -> np.ndarray:
        """Boolean mask: whether each of ``who`` is hit, with ``probability`` (one for each, or one for all)."""
        return self.uniform(site, who) < probability

    def scatter(self, sites: tuple[Site, Site, Site], rates: np.ndarray, offsets: np.ndarray, sizes: np.ndarray
                ) -> Scattered:
        """This week's events of each kind, at ``rates`` (one per kind) per household and week: in each village
        a Poisson number at the village's summed rate (``sites[0]``), each at a household of the village drawn
        uniformly (``sites[1]``) and of a kind drawn in proportion to the rates (``sites[2]``): the law of
        every kind's events a Poisson number per village at its own rate. The events come kind by kind, and
        village by village within a kind."""
        rates = np.asarray(rates, dtype=np.float64)
        total = float(rates.sum())
        if total <= 0:
            none = np.zeros(0, dtype=np.int64)
            return Scattered(none, np.zeros(0, dtype=np.uint64), np.zeros(rates.shape[0] + 1, dtype=np.int64))
        households, keys = self.households(sites[1], self.counts(sites[0], sizes * total), offsets, sizes)
        kind = np.searchsorted(np.cumsum(rates) / total, self.uniform(sites[2], keys), side="right")
        kind = np.minimum(kind, rates.shape[0] - 1).astype(np.int16)     # small integers sort by radix
        order = np.argsort(kind, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(kind, minlength=rates.shape[0]))))
        return Scattered(households[order], keys[order], bounds)

    def counts(self, site: Site, expected: np.ndarray) -> np.ndarray:
        """A Poisson number of events per village (or other owner) at its ``expected`` count."""
        return poisson_quantile(self.uniform(site, np.arange(expected.shape[0])), expected)

    def households(self, site: Site, counts: np.ndarray, offsets: np.ndarray, sizes: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """``counts[o]`` households drawn uniformly for each owner ``o`` (a village, or a village's kind of
        event), among ``offsets[o]`` to ``offsets[o] + sizes[o] - 1``; and the key of each draw (its owner and
        its number)."""
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
        if counts.shape[0] == 1:
            owner, j = np.zeros(total, dtype=np.int64), np.arange(total)
        else:
            owner = np.repeat(np.arange(counts.shape[0]), counts)
            j = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        keys = event_keys(owner, j)
        size = sizes[owner]
        at = np.minimum((self.uniform(site, keys) * size).astype(np.int64), size - 1)
        return offsets[owner] + at, keys


class Scattered(NamedTuple):
    """Events scattered over households (``Draws.scatter``): each event's household and key, kind by kind (those
    of kind ``k`` are ``bounds[k]`` to ``bounds[k + 1] - 1``)."""

    households: np.ndarray
    keys: np.ndarray
    bounds: np.ndarray

    def of(self, kind: int) -> tuple[np.ndarray, np.ndarray]:
        """The households and keys of the events of ``kind``."""
        a, b = self.bounds[kind], self.bounds[kind + 1]
        return self.households[a:b], self.keys[a:b]

    def kinds(self) -> np.ndarray:
        """The kind of each event."""
        return np.repeat(np.arange(self.bounds.shape[0] - 1), np.diff(self.bounds))
