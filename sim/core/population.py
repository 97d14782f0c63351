"""Initialisation (ODD 5): the villages' hamlets, households, their network, their officials and initial ties.

Resident state is a set of numpy arrays, one per attribute (``Residents``), so that every phase of the model
is one vectorised operation over the households concerned. All draws come from the generator passed in (the
model's), in a fixed order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.core.arrays import distinct
from sim.core.documents import Documents, household_members
from sim.core.outcomes import WINDOW_WEEKS
from sim.core.services import Channel
from sim.core.ties import Ties

if TYPE_CHECKING:
    from sim.core.geography import Geography
    from sim.params.values import TrackedParams

# Faction codes shared by residents and officials.
NEUTRAL, CURRENT, FORMER = 0, 1, 2
NEVER = np.iinfo(np.int16).min   # the week of something that has not happened (weeks fit in int16)
FACTION_NAMES = ("neutral", "current", "former")


def faction_affinity(rival_camp_aversion: float) -> np.ndarray:
    """Affinity between a resident's faction (row) and an official's (column): +1 in the same camp, minus
    ``rival_camp_aversion`` in the rival camp, 0 when the resident is neutral (float32, 3 × 3)."""
    rival = -rival_camp_aversion
    return np.array([[0, 0, 0],
                     [0, 1, rival],
                     [0, rival, 1]], dtype=np.float32)


@dataclass
class Residents:
    """Household state, one array per attribute (index = household); its methods are the only writers of the
    arrays that change during a run (literacy, confidence, the digital-ID account, the last channel, the camp).
    The households' ties to officials are a structure of their own (``sim.core.ties.Ties``)."""

    village: np.ndarray           # int16, the household's village (households are stored village by village)
    hamlet: np.ndarray            # int16, hamlet within the village
    x_km: np.ndarray              # float32, position relative to the village office
    y_km: np.ndarray              # float32
    dist_local_km: np.ndarray     # float32, distance to the village office
    literacy: np.ndarray          # float32 0-1, digital skill and device access
    confidence: np.ndarray        # float32 0-1, belief in handling paperwork oneself
    income_rupiah: np.ndarray     # float32, monthly household income
    faction: np.ndarray           # int8, NEUTRAL / CURRENT (the sitting head's camp) / FORMER (the opposition)
    contacts: np.ndarray          # int32 (n, degree), neighbours and kin
    last_channel: np.ndarray      # int8, what neighbours saw of the household's last need: the channel it last
                                  # used (an attempt in person or online, an official or a broker who took it),
                                  # DEFER when it was abandoned, -1 before any
    activated: np.ndarray         # bool, has an activated digital-ID / online account
    early_adopter: np.ndarray     # bool, activates it the week it launches
    literacy_quartile: np.ndarray  # int8 0-3 at initialisation (0 = least literate)
    distance_quartile: np.ndarray  # int8 0-3 at initialisation (3 = farthest)
    income_quartile: np.ndarray    # int8 0-3 at initialisation (0 = poorest)
    last_own_week: np.ndarray      # int16, the week of the household's last need completed by itself
    last_helped_week: np.ndarray   # int16, ... completed by an official or a broker
    activated_by_village: np.ndarray  # int64, households with an activated account, per village

    @property
    def n(self) -> int:
        """Number of households."""
        return self.literacy.shape[0]

    def note_completions(self, households: np.ndarray, own: np.ndarray, week: int) -> None:
        """This week's completed needs of ``households``: done by the household itself (``own``) or for it."""
        self.last_own_week[households[own]] = week
        self.last_helped_week[households[~own]] = week

    def standing(self, week: int) -> tuple[np.ndarray, np.ndarray]:
        """Boolean masks at ``week``: households that completed needs in the trailing year (active), and those
        whose completed needs were all their own work (independent: able and willing to handle their
        documents themselves)."""
        since = week - WINDOW_WEEKS + 1
        own = self.last_own_week >= since
        helped = self.last_helped_week >= since
        return own & ~helped, own | helped

    def gain_confidence(self, households: np.ndarray, share_of_gap: float) -> None:
        """Confidence of ``households`` (index array) closes ``share_of_gap`` of its gap to 1 (a success, training)."""
        self.confidence[households] += share_of_gap * (1 - self.confidence[households])

    def lose_confidence(self, households: np.ndarray, share: float) -> None:
        """Confidence of ``households`` falls by ``share`` (a rejection; a need handled by someone else)."""
        self.confidence[households] *= (1 - share)

    def gain_literacy(self, households: np.ndarray, share_of_gap: float) -> None:
        """Literacy of ``households`` closes ``share_of_gap`` of its gap to 1 (practice online, training)."""
        self.literacy[households] += share_of_gap * (1 - self.literacy[households])

    def add_literacy(self, households: np.ndarray, amount: np.ndarray) -> None:
        """Literacy of ``households`` rises by ``amount`` (what a contact taught, one per household)."""
        self.literacy[households] += amount

    def activate(self, households: np.ndarray) -> None:
        """``households`` (index array) have an activated digital-ID account from now on."""
        new = distinct(households[~self.activated[households]])
        self.activated[new] = True
        self.activated_by_village += np.bincount(self.village[new], minlength=self.activated_by_village.size)

    def activate_early_adopters(self) -> None:
        """The digital ID launches: the early adopters activate their accounts."""
        self.activate(np.nonzero(self.early_adopter)[0])

    def note_channels(self, households: np.ndarray, channels: np.ndarray) -> None:
        """What this week's resolved and attempted needs showed the neighbours (one channel per need of
        ``households``, -1 where the need showed nothing): a household with several shows the highest-numbered
        channel (``Channel`` orders in person, online, official, broker, unmet)."""
        shown = channels >= 0
        if not shown.any():
            return
        hh = households[shown].astype(np.int64)
        key = hh * 8 + channels[shown]
        key.sort()
        last = np.ones(key.size, dtype=bool)
        last[:-1] = (key[1:] >> 3) != (key[:-1] >> 3)
        self.last_channel[key[last] >> 3] = (key[last] & 7).astype(np.int8)

    def swap_camps(self, in_village: np.ndarray) -> None:
        """The head's camp and the opposition change places in the villages of the boolean mask ``in_village``
        (one per village)."""
        swap_camps(self.faction, in_village[self.village])


def swap_camps(faction: np.ndarray, where: np.ndarray) -> None:
    """The head's camp and the opposition change places where the boolean mask ``where`` holds."""
    f = faction[where]
    faction[where] = np.where(f == CURRENT, FORMER, np.where(f == FORMER, CURRENT, f))


@dataclass
class OfficialSeats:
    """The officials of every village before they become agents (index = village * per_village + slot).

    Slots 0..n_hamlets-1 of a village are its hamlet heads (kepala dusun), the
    rest its office staff.
    """

    village: np.ndarray      # int32
    slot: np.ndarray         # int16, position in the village's apparatus
    hamlet: np.ndarray       # int16, the kepala dusun's hamlet, or -1 for office staff
    faction: np.ndarray      # int8
    fee_seeking: np.ndarray  # float64


def quartiles(values: np.ndarray) -> np.ndarray:
    """Quartile index 0-3 of each value (ties broken by rank order, so groups are equal-sized)."""
    order = np.argsort(values, kind="stable")
    q = np.empty(values.shape[0], dtype=np.int8)
    q[order] = (np.arange(values.shape[0]) * 4 // max(values.shape[0], 1)).astype(np.int8)
    return q


def hamlet_centres(rng: np.random.Generator, n_hamlets: int, radius_km: float, angle_jitter: float,
                   min_radius_share: float) -> np.ndarray:
    """Hamlet centres: the first at the village office, the others around it, at irregular angles (up to
    ``angle_jitter`` of their regular spacing) and distances (``min_radius_share`` to 1 of ``radius_km``)."""
    centres = np.zeros((n_hamlets, 2))
    if n_hamlets > 1:
        k = n_hamlets - 1
        angle = 2 * np.pi * (np.arange(k) + rng.uniform(-angle_jitter, angle_jitter, k)) / k
        r = radius_km * rng.uniform(min_radius_share, 1.0, k)
        centres[1:, 0] = r * np.cos(angle)
        centres[1:, 1] = r * np.sin(angle)
    return centres


BUILD_BLOCK = 1 << 16   # households per block of the draws a household array is built from


def _blocks(n: int) -> Iterator[tuple[int, int]]:
    """The blocks ``(start, stop)`` of ``BUILD_BLOCK`` households that cover ``n`` households, in order."""
    for start in range(0, n, BUILD_BLOCK):
        yield start, min(start + BUILD_BLOCK, n)


def build_contacts(rng: np.random.Generator, village: np.ndarray, hamlet: np.ndarray, geo: Geography,
                   p: TrackedParams) -> np.ndarray:
    """Each household's ``network_degree`` neighbours and kin: mostly in its own hamlet, a share
    (``network_cross_hamlet_share``) elsewhere in its village.

    Households are stored village by village (the geography's ``offsets`` and ``households``).
    """
    n_hamlets, degree, cross_share = p.n_hamlets, p.network_degree, p.network_cross_hamlet_share
    offsets, sizes = geo.offsets, geo.households
    n = hamlet.shape[0]
    group = village.astype(np.int64) * n_hamlets + hamlet
    order = np.argsort(group, kind="stable").astype(np.int32)
    counts = np.bincount(group, minlength=int(group.max()) + 1)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    # A block of households at a time, so that a regency's draws are never all held at once as float64: the
    # generator fills an (n, degree) draw row by row, so drawing it block by block gives the same numbers.
    contacts = np.empty((n, degree), dtype=np.int32)
    for a, b in _blocks(n):
        g = group[a:b, None]
        contacts[a:b] = order[starts[g] + (rng.random((b - a, degree)) * counts[g]).astype(np.int64)]
    cross = np.empty((n, degree), dtype=bool)
    for a, b in _blocks(n):
        cross[a:b] = rng.random((b - a, degree)) < cross_share
    v = np.broadcast_to(village[:, None], cross.shape)[cross]
    contacts[cross] = (offsets[v] + (rng.random(v.size) * sizes[v]).astype(np.int64)).astype(np.int32)
    own = contacts == np.arange(n, dtype=np.int32)[:, None]
    rows = np.nonzero(own)[0]
    vr = village[rows]
    # No household is its own contact: take the next household of the same village instead.
    contacts[own] = (offsets[vr] + (rows - offsets[vr] + 1) % sizes[vr]).astype(np.int32)
    return contacts


def fee_seeking_draws(rng: np.random.Generator, p: TrackedParams, n: int) -> np.ndarray:
    """Fee-seeking of ``n`` officials taking their seats. It varies between officials: a Beta distribution with
    the given mean and concentration (sd ≈ 0.17 at mean 0.3 and concentration 6): some nearly dutiful, some
    greedy."""
    m = min(max(p.fee_seeking_mean, 1e-3), 1 - 1e-3)
    k = p.fee_seeking_concentration
    return rng.beta(k * m, k * (1 - m), n)


def build_officials(rng: np.random.Generator, p: TrackedParams, n_villages: int = 1) -> OfficialSeats:
    """In every village one kepala dusun per hamlet, then the office staff."""
    per_village = p.n_hamlets + p.n_office_staff
    n = n_villages * per_village
    aligned = p.faction_current_share + p.faction_former_share
    p_current = p.faction_current_share / aligned if aligned > 0 else 0.5
    factions = np.where(rng.random(n) < p_current, CURRENT, FORMER).astype(np.int8)
    fee_seeking = fee_seeking_draws(rng, p, n)
    slot = np.tile(np.arange(per_village, dtype=np.int16), n_villages)
    hamlet = np.where(slot < p.n_hamlets, slot, -1).astype(np.int16)
    village = np.repeat(np.arange(n_villages, dtype=np.int32), per_village)
    return OfficialSeats(village, slot, hamlet, factions, fee_seeking)


def build_residents(rng: np.random.Generator, p: TrackedParams, geo: Geography, n_officials: int,
                    tie_decay_per_week: float, start_week: int = 0) -> tuple[Residents, Ties]:
    """Households of every village with positions, literacy, income, factions, contacts, and their initial
    ties as of ``start_week``.

    ``n_officials`` is the number of officials per village; a household's ties
    are to the officials of its own village.
    """
    sizes = geo.households
    offsets = geo.offsets
    n = int(sizes.sum())
    n_villages = geo.n_villages
    village = np.repeat(np.arange(n_villages, dtype=np.int16), sizes)
    hamlet = np.empty(n, dtype=np.int16)
    centres = np.empty((n_villages, p.n_hamlets, 2))
    for v in range(n_villages):
        centres[v] = hamlet_centres(rng, p.n_hamlets, float(geo.hamlet_radius_km[v]), p.hamlet_angle_jitter,
                                    p.hamlet_radius_min_share)
        size_weight = rng.uniform(1 - p.hamlet_size_spread, 1 + p.hamlet_size_spread, p.n_hamlets)
        hamlet[offsets[v]:offsets[v] + sizes[v]] = rng.choice(p.n_hamlets, size=int(sizes[v]),
                                                               p=size_weight / size_weight.sum())
    xy = centres[village, hamlet] + rng.normal(0.0, p.hamlet_scatter_km, (n, 2))
    x_km, y_km = xy[:, 0].astype(np.float32), xy[:, 1].astype(np.float32)
    dist_local = np.hypot(xy[:, 0], xy[:, 1])
    del xy
    # Remoteness for the distance quartiles: the whole journey to the regency seat
    # (within one village, the distance to its office decides).
    distance_quartile = quartiles(dist_local + geo.dist_kecamatan_km[village] + geo.dist_regency_km[village])
    dist_local_km = dist_local.astype(np.float32)
    del dist_local
    # (Each float64 array is narrowed, and its quartiles taken, as soon as it is complete, so that a regency's
    # households are never held in several float64 copies at once.)

    # Literacy and income from a Gaussian copula with the given correlation, both
    # lower in hamlets far from the village office (hill hamlets: fewer schools,
    # weaker signal, smaller farms), by `remoteness_disadvantage` sd per sd of
    # distance within the village.
    z1 = rng.standard_normal(n)
    z2 = p.literacy_income_corr * z1 + np.sqrt(1 - p.literacy_income_corr ** 2) * rng.standard_normal(n)
    hamlet_dist = np.hypot(centres[:, :, 0], centres[:, :, 1])[village, hamlet]
    mean = np.bincount(village, weights=hamlet_dist, minlength=n_villages) / sizes
    var = np.bincount(village, weights=(hamlet_dist - mean[village]) ** 2, minlength=n_villages) / sizes
    spread = np.sqrt(var)[village]
    remote = np.divide(hamlet_dist - mean[village], spread, out=np.zeros(n), where=spread > 0)
    del hamlet_dist, spread
    # Households of an urban kelurahan are better off and more literate than those of a desa.
    urban = geo.kelurahan[village] * p.urban_advantage_sd
    z1 = z1 - p.remoteness_disadvantage * remote + urban
    z2 = z2 - p.remoteness_disadvantage * remote + urban
    del remote, urban
    literacy = np.clip(p.literacy_mean + p.literacy_sd * z1, p.init_literacy_min, p.init_literacy_max)
    del z1
    income = p.income_median_rupiah * np.exp(p.income_sigma * z2)
    del z2
    income_quartile = quartiles(income)
    income_rupiah = income.astype(np.float32)
    del income
    confidence = np.clip(literacy + p.confidence_noise_sd * rng.standard_normal(n), 0.0, 1.0).astype(np.float32)
    literacy_quartile = quartiles(literacy)
    can_go_online = literacy >= p.online_min_literacy
    literacy32 = literacy.astype(np.float32)
    del literacy

    u = rng.random(n)
    faction = np.full(n, NEUTRAL, dtype=np.int8)
    faction[u < p.faction_current_share] = CURRENT
    faction[(u >= p.faction_current_share) & (u < p.faction_current_share + p.faction_former_share)] = FORMER
    del u

    contacts = build_contacts(rng, village, hamlet, geo, p)

    # Initial patronage, the residue of past practice: most patrons are the
    # household's own kepala dusun, the rest any official of its village.
    ties = Ties(n, n_officials, tie_decay_per_week, p.lockin_tie_threshold)
    has_patron = rng.random(n) < p.init_patron_share
    idx = np.nonzero(has_patron)[0]
    patron = rng.integers(0, n_officials, idx.size)
    if p.n_hamlets <= n_officials:
        use_own = rng.random(idx.size) < p.init_patron_own_head_share
        patron = np.where(use_own, hamlet[idx].astype(np.int64), patron)
    jitter = p.init_tie_jitter
    strength = np.clip(p.init_tie_strength * rng.uniform(1 - jitter, 1 + jitter, idx.size), 0.0, 1.0
                       ).astype(np.float32)
    ties.start(idx, patron, strength, start_week)   # ties as of the first week

    last_channel = np.full(n, -1, dtype=np.int8)
    last_channel[idx] = Channel.ENTRUST
    # Early adopters activate the digital ID the week it launches (nobody has it before).
    early_adopter = (rng.random(n) < p.init_activated_share) & can_go_online
    activated = np.zeros(n, dtype=bool)

    return Residents(
        village=village, hamlet=hamlet, x_km=x_km, y_km=y_km, dist_local_km=dist_local_km, literacy=literacy32,
        confidence=confidence, income_rupiah=income_rupiah, faction=faction, contacts=contacts,
        last_channel=last_channel, activated=activated, early_adopter=early_adopter,
        literacy_quartile=literacy_quartile, distance_quartile=distance_quartile, income_quartile=income_quartile,
        last_own_week=np.full(n, NEVER, dtype=np.int16), last_helped_week=np.full(n, NEVER, dtype=np.int16),
        activated_by_village=np.zeros(n_villages, dtype=np.int64),
    ), ties


def build_documents(rng: np.random.Generator, p: TrackedParams, residents: Residents, n_villages: int
                    ) -> Documents:
    """Each household's members and the documents they hold at the start (``sim.core.documents``); the poorest
    ``assistance_eligible_share`` of households by income are eligible for social assistance."""
    from sim.core.accounting import quartile_code

    n = residents.n
    adults, children = household_members(rng, p, n)
    eligible = np.zeros(n, dtype=bool)
    eligible[np.argsort(residents.income_rupiah, kind="stable")[:int(round(p.assistance_eligible_share * n))]] = True
    documents = Documents(residents.village, quartile_code(residents), n_villages, adults, children, eligible)
    documents.start(rng, p)
    return documents
