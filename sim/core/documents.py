"""Documents as a stock (ODD 7.2): who lives in each household, which identity documents they hold, and the life
events that create needs for them.

Each household has adults (17 or older: the age of the e-KTP) and children; it holds an e-KTP for some of its
adults, a birth certificate (akta kelahiran) for some of its children, a family card (KK) that lists its
members as they are, or an outdated one, and, if it is poor enough, it may be enrolled in social assistance.
Each week life events change the households: births (a child without a certificate, the family card out of
date), children coming of age (an adult without an e-KTP), deaths and marriages (the family card out of date),
moves (a moving letter and a new family card), children entering school (who need a certificate); lost cards
are replaced. Each event creates the needs it calls for (``Events``). A need that requires a document the
household lacks (an e-KTP needs the family card; a birth certificate and social assistance need the family card
and an adult's e-KTP) waits until the household holds it, and its lack creates a need for it. A completed need
adds what it issues to the household's stock.

``Documents`` is the only writer of these arrays. It keeps their sums per village and per cell of the
households' literacy, distance and income quartiles up to date as it changes them, so that the stock is
counted without a pass over every household.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.core.arrays import distinct
from sim.core.draws import Site
from sim.params.registry import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.core.week import Week
    from sim.params.values import TrackedParams

CHILD_YEARS = 17        # children are the members under 17, the age from which an e-KTP is due (UU 24/2013)
SCHOOL_ENTRY_YEARS = 7  # a child enters primary school at about 7, and the school asks for its birth certificate
MAX_MEMBERS = 12        # adults and children are each capped at this (households of 12 or more are rare)


class Stock(IntEnum):
    """The counts of the stock kept per village and per quartile cell (each a sum over households)."""

    HOUSEHOLDS = 0
    ADULTS = 1
    CHILDREN = 2
    KTP = 3               # adults holding an e-KTP
    BIRTH_CERTIFICATE = 4  # children holding a birth certificate
    KK = 5                # households whose family card is current
    ELIGIBLE = 6          # households poor enough for social assistance
    ENROLLED = 7          # eligible households enrolled in it
    EXCLUDED = 8          # eligible households not enrolled that lack a family card or any e-KTP


N_STOCKS = len(Stock)
RECOUNT_BLOCK = 1 << 16   # households per block when the running sums are counted afresh


class Documents:
    """Members and documents of every household (index = household), with the stock's running sums.

    Args:
        village: each household's village.
        cell: each household's quartile cell (``sim.core.accounting.quartile_code``).
        n_villages: villages.
        adults, children: members of each household.
        eligible: households poor enough for social assistance.
    """

    def __init__(self, village: np.ndarray, cell: np.ndarray, n_villages: int, adults: np.ndarray,
                 children: np.ndarray, eligible: np.ndarray):
        n = village.shape[0]
        self.village = village
        self.cell = cell.astype(np.uint8)
        self.adults = adults.astype(np.int8)
        self.children = children.astype(np.int8)
        self.ktp = np.zeros(n, dtype=np.int8)
        self.birth_certificates = np.zeros(n, dtype=np.int8)
        self.kk = np.zeros(n, dtype=bool)
        self.eligible = eligible.astype(bool)
        self.enrolled = np.zeros(n, dtype=bool)
        self.by_village = np.zeros((n_villages, N_STOCKS), dtype=np.int64)
        self.by_cell = np.zeros((64, N_STOCKS), dtype=np.int64)
        self._recount()

    @property
    def n(self) -> int:
        """Number of households."""
        return int(self.adults.shape[0])

    # ------------------------------------------------------------------ the running sums
    def _contribution(self, households: np.ndarray) -> np.ndarray:
        """Each household's part of every stock count (households × ``N_STOCKS``)."""
        h = households
        out = np.empty((h.size, N_STOCKS), dtype=np.int64)
        out[:, Stock.HOUSEHOLDS] = 1
        out[:, Stock.ADULTS] = self.adults[h]
        out[:, Stock.CHILDREN] = self.children[h]
        out[:, Stock.KTP] = self.ktp[h]
        out[:, Stock.BIRTH_CERTIFICATE] = self.birth_certificates[h]
        out[:, Stock.KK] = self.kk[h]
        eligible, enrolled = self.eligible[h], self.enrolled[h]
        out[:, Stock.ELIGIBLE] = eligible
        out[:, Stock.ENROLLED] = eligible & enrolled
        out[:, Stock.EXCLUDED] = eligible & ~enrolled & (~self.kk[h] | (self.ktp[h] == 0))
        return out

    def _add(self, households: np.ndarray, contribution: np.ndarray) -> None:
        """Add ``contribution`` (one row per household of ``households``, each once) to the running sums: one
        weighted count over (area, stock) pairs per table."""
        if households.size == 0:
            return
        k = np.arange(N_STOCKS)
        weights = contribution.ravel()
        for sums, area in ((self.by_village, self.village), (self.by_cell, self.cell)):
            pairs = (area[households].astype(np.int64)[:, None] * N_STOCKS + k).ravel()
            sums += np.bincount(pairs, weights=weights, minlength=sums.size).reshape(sums.shape).astype(np.int64)

    def _recount(self) -> None:
        """The running sums counted afresh over every household, a block at a time (a whole regency's
        contributions at once would hold several times its households × ``N_STOCKS`` integers)."""
        self.by_village[:] = 0
        self.by_cell[:] = 0
        for start in range(0, self.n, RECOUNT_BLOCK):
            block = np.arange(start, min(start + RECOUNT_BLOCK, self.n))
            self._add(block, self._contribution(block))

    def _changing(self, households: np.ndarray, unique: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The distinct households about to change (``households`` as they are when ``unique``) and their
        contribution before the change (``_settle`` adds the difference once they have changed)."""
        u = households if unique else distinct(households)
        return u, self._contribution(u)

    def _settle(self, changing: tuple[np.ndarray, np.ndarray]) -> None:
        u, before = changing
        self._add(u, self._contribution(u) - before)

    # ------------------------------------------------------------------ initial holdings
    def start(self, rng: np.random.Generator, p: TrackedParams) -> None:
        """The stock at the start: each child holds a birth certificate with ``init_birth_certificate_share``,
        each adult an e-KTP with ``init_ktp_share``, each household a current family card with
        ``init_kk_share``, each eligible household is enrolled with ``init_assistance_share``."""
        self.birth_certificates[:] = rng.binomial(self.children, p.init_birth_certificate_share)
        self.ktp[:] = rng.binomial(self.adults, p.init_ktp_share)
        self.kk[:] = rng.random(self.n) < p.init_kk_share
        self.enrolled[:] = self.eligible & (rng.random(self.n) < p.init_assistance_share)
        self._recount()

    # ------------------------------------------------------------------ life events
    def live(self, events: Events) -> None:
        """This week's births, comings of age, deaths, marriages and moves change the households they happen in,
        all at once (``events``; every flag read before any change)."""
        e = events
        u = self._changing(np.concatenate((e.births, e.grown, e.died, e.outdated)))
        born, count = np.unique(e.births, return_counts=True)
        self.children[born] = np.minimum(self.children[born] + count, MAX_MEMBERS)
        # A child turns 17: an adult without an e-KTP now; his certificate no longer counts among children's.
        self.children[e.grown] -= 1
        self.birth_certificates[e.grown] -= e.had_certificate.astype(np.int8)
        self.adults[e.grown] = np.minimum(self.adults[e.grown] + 1, MAX_MEMBERS)
        # An adult dies (never a household's last): his e-KTP no longer counts.
        self.adults[e.died] -= 1
        self.ktp[e.died] -= e.had_ktp.astype(np.int8)
        # The family card no longer lists the members as they are.
        for changed in (e.births, e.died, e.outdated):
            self.kk[changed] = False
        self._settle(u)

    # ------------------------------------------------------------------ what completed needs issue
    def issue(self, households: np.ndarray, services: np.ndarray, issues: np.ndarray) -> None:
        """Completed needs (one per entry: household, service) add what they issue (``issues``: the ``Issues`` code
        of each service) to the household's stock, never beyond its members."""
        what = issues[services]
        issuing = np.flatnonzero(what)            # most completed needs (village letters) issue nothing
        h, what = households.take(issuing), what.take(issuing)
        adds = (((what == Issues.KTP) & (self.ktp.take(h) < self.adults.take(h)))
                | ((what == Issues.BIRTH_CERTIFICATE) & (self.birth_certificates.take(h) < self.children.take(h)))
                | ((what == Issues.KK) & ~self.kk.take(h))
                | ((what == Issues.ENROLMENT) & self.eligible.take(h) & ~self.enrolled.take(h)))
        if not adds.any():
            return
        h, what = h[adds], what[adds]
        u = self._changing(h)
        for code, stock, members in ((Issues.KTP, self.ktp, self.adults),
                                     (Issues.BIRTH_CERTIFICATE, self.birth_certificates, self.children)):
            issued, count = np.unique(h[what == code], return_counts=True)
            stock[issued] = np.minimum(stock[issued] + count, members[issued])
        self.kk[h[what == Issues.KK]] = True
        self.enrolled[h[what == Issues.ENROLMENT]] = True
        self._settle(u)

    # ------------------------------------------------------------------ reading
    def lacks(self, households: np.ndarray, requires: np.ndarray) -> np.ndarray:
        """Per need (household, the ``Requires`` bits of its service): a required document the household lacks,
        as the ``Requires`` bits of what is missing (0: nothing missing)."""
        held = self.kk.take(households).view(np.int8) * np.int8(Requires.KK)
        held |= (self.ktp.take(households) > 0).view(np.int8) * np.int8(Requires.KTP)
        return requires & ~held


class Issues(IntEnum):
    """What a completed need adds to the household's stock."""

    NOTHING = 0
    KTP = 1
    BIRTH_CERTIFICATE = 2
    KK = 3
    ENROLMENT = 4


class Requires(IntEnum):
    """Documents a service requires the household to hold (bits)."""

    NONE = 0
    KK = 1
    KTP = 2


class Occasions(NamedTuple):
    """This week's needs from life events: households, services and whether the occasion presses (one entry per
    need). A pressing need (a school place, a marriage, a move, an application for assistance) costs its household
    more the longer it waits; the others (a certificate sought at a birth, an e-KTP at 17, a document sought to
    catch up, a family card brought up to date) do not, and are let go when no channel is worth it."""

    households: np.ndarray
    services: np.ndarray
    urgent: np.ndarray


class EventKind(IntEnum):
    """The kinds of life event drawn together each week (``life_events``), each at its rate per unit of a weight
    of the household (its persons, children, e-KTPs...), at most ``cap`` units a household (``EVENT_CAPS``)."""

    PERSONAL = 0          # a birth, death, marriage, move or new household (then which one)
    COMING_OF_AGE = 1
    SCHOOL_ENTRY = 2
    KTP_LOST = 3
    ASSISTANCE = 4        # a poor household not enrolled applies
    CATCH_UP_CERTIFICATE = 5
    CATCH_UP_KTP = 6


EVENT_CAPS = np.array([MAX_MEMBERS, MAX_MEMBERS, MAX_MEMBERS, MAX_MEMBERS, 1, 2, 2], dtype=np.float64)


class _Candidates:
    """This week's candidate events of every kind, drawn without a pass over every household: village by
    village, events of each kind at ``cap`` per household at the kind's rate (``Draws.scatter``); a candidate of
    a household is an event when a further draw falls below ``weight / cap`` for the household's weight at the
    moment the rules ask (``of``). A household may be hit more than once."""

    def __init__(self, week: Week, rates_per_year: np.ndarray):
        geography = week.world.geography
        weekly = EVENT_CAPS * np.minimum(np.maximum(rates_per_year, 0.0) / WEEKS_PER_YEAR, 1.0)
        self.drawn = week.draws.scatter((Site.LIFE_EVENTS, Site.LIFE_EVENTS_WHO, Site.LIFE_EVENTS_KIND), weekly,
                                        geography.offsets, geography.households)
        self.u = week.draws.uniform(Site.LIFE_EVENTS_KEEP, self.drawn.keys)

    def of(self, kind: EventKind, weight: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The households hit by an event of ``kind`` (weights must not exceed its cap) and each event's key."""
        a, b = self.drawn.bounds[kind], self.drawn.bounds[kind + 1]
        households, keys = self.drawn.households[a:b], self.drawn.keys[a:b]
        kept = self.u[a:b] * EVENT_CAPS[kind] < weight(households)
        return households[kept], keys[kept]


def awareness(week: Week, households: np.ndarray) -> np.ndarray:
    """How readily each household (index array) seeks a document no deadline asks for yet, relative to a household
    of middle skill (0 to 2): ``2 / (1 + exp(-awareness_slope × (skill - 1/2)))``, skill being its literacy and
    know-how as its own attempts weigh them. Better-educated parents register births sooner (low maternal
    education is a determinant of unregistered births in Indonesia: IDHS 2017); 8% of households without a child's
    certificate did not know how (Susenas 2016, East Kalimantan)."""
    r, p = week.world.residents, week.p
    skill = (p.skill_literacy_weight * r.literacy.take(households)
             + (1 - p.skill_literacy_weight) * r.confidence.take(households))
    return 2.0 / (1.0 + np.exp(-p.awareness_slope * (skill - 0.5)))


def _once(households: np.ndarray) -> np.ndarray:
    """Each household once (an event that can only happen once a week to the same household)."""
    return distinct(households)


class Events(NamedTuple):
    """This week's life events (index arrays of households; a household may have several births)."""

    births: np.ndarray
    grown: np.ndarray             # a child turned 17 (each household once)
    had_certificate: np.ndarray   # ... and held a birth certificate
    died: np.ndarray              # an adult died or left for a household of his own (each household once)
    had_ktp: np.ndarray           # ... and held an e-KTP
    outdated: np.ndarray          # a marriage or a move outdated the family card


def life_events(week: Week, services: ServiceCodes) -> Occasions:
    """This week's births, comings of age, deaths, marriages, moves, school entries and lost cards: the change they
    make to each household's members and documents, and the needs they create."""
    d, draws, p = week.world.documents, week.draws, week.p
    hh: list[np.ndarray] = []
    sv: list[np.ndarray] = []
    ur: list[np.ndarray] = []

    def need(households: np.ndarray, service: int, urgent: bool = False) -> None:
        hh.append(households)
        sv.append(np.full(households.size, service, dtype=np.int8))
        ur.append(np.full(households.size, urgent))

    def persons(h: np.ndarray) -> np.ndarray:
        return np.minimum(d.adults.take(h).astype(np.int64) + d.children.take(h), MAX_MEMBERS)

    # Births, deaths, marriages, moves and new households happen to persons: one draw of households at their
    # summed rate, each event then one of the five in proportion to its rate (households of more than MAX_MEMBERS
    # persons count as that many). A new household: an adult leaves to set up his own (pecah KK), at the rate of
    # the natural increase, so that the village's fixed households keep their size while its people grow in
    # number (the new households themselves are outside the model's frame).
    rates = np.array([p.birth_rate_per_1000, p.death_rate_per_1000, p.marriage_rate_per_1000,
                      p.move_rate_per_1000, max(p.birth_rate_per_1000 - p.death_rate_per_1000, 0.0)]) / 1000
    candidates = _Candidates(week, np.array([rates.sum(), 1 / CHILD_YEARS, 1 / CHILD_YEARS,
                                             p.ktp_replacement_rate_per_year, p.assistance_apply_rate_per_year,
                                             p.catch_up_rate_per_year, p.catch_up_rate_per_year]))
    hit, hit_keys = candidates.of(EventKind.PERSONAL, persons)
    kind = np.searchsorted(np.cumsum(rates) / max(rates.sum(), 1e-300), draws.uniform(Site.PERSONAL_EVENT, hit_keys),
                           side="right")
    births, died, wed, moved, left = (hit[kind == c] for c in range(5))
    birth_keys = hit_keys[kind == 0]
    died = _once(np.concatenate((died, left)))    # an adult gone: dead, or left with his e-KTP
    died = died[d.adults[died] > 1]
    wed, moved = _once(wed), _once(moved)
    # Coming of age: one of the household's children turns 17, and may seek the e-KTP now due.
    grown = _once(candidates.of(EventKind.COMING_OF_AGE, d.children.take)[0])
    grown = grown[d.children[grown] > 0]
    d.live(Events(births, grown,
                  draws.uniform(Site.HAD_CERTIFICATE, grown) * d.children[grown] < d.birth_certificates[grown], died,
                  draws.uniform(Site.HAD_KTP, died) * d.adults[died] < d.ktp[died], np.concatenate((wed, moved))))
    # A newborn's certificate, sought at once by some parents; the family card must list him.
    need(births[draws.uniform(Site.SEEK_AT_BIRTH, birth_keys)
                < p.birth_certificate_at_birth_share * awareness(week, births)], services.birth_certificate)
    need(_once(births), services.kk)
    need(grown[draws.uniform(Site.SEEK_AT_17, grown) < p.ktp_at_17_share * awareness(week, grown)], services.ktp)
    need(died, services.kk)
    # A marriage needs a new family card, and the spouse's e-KTP shows the new status.
    need(wed, services.kk, urgent=True)
    need(wed, services.ktp, urgent=True)
    # A move into or out of the household: a moving letter and a new family card.
    need(moved, services.moving_letter, urgent=True)
    need(moved, services.kk, urgent=True)
    # School entry: a child reaching school age without a certificate needs one.
    pupils, pupil_keys = candidates.of(EventKind.SCHOOL_ENTRY, d.children.take)
    lacking = draws.uniform(Site.SCHOOL_LACKING, pupil_keys) * d.children[pupils] >= d.birth_certificates[pupils]
    need(pupils[lacking], services.birth_certificate, urgent=True)
    # Lost or damaged e-KTPs are replaced.
    need(candidates.of(EventKind.KTP_LOST, d.ktp.take)[0], services.ktp, urgent=True)
    # Poor households not enrolled in social assistance apply when the register is updated.
    applying = candidates.of(EventKind.ASSISTANCE, lambda h: d.eligible.take(h) & ~d.enrolled.take(h))[0]
    need(applying, services.social_assistance, urgent=True)
    # Catching up: a household lacking a document seeks one without an occasion (awareness, a drive).
    need(candidates.of(EventKind.CATCH_UP_CERTIFICATE,
                       lambda h: (d.children.take(h) > d.birth_certificates.take(h)) * awareness(week, h))[0],
         services.birth_certificate)
    need(candidates.of(EventKind.CATCH_UP_KTP, lambda h: (d.adults.take(h) > d.ktp.take(h)) * awareness(week, h))[0],
         services.ktp)
    return Occasions(np.concatenate(hh).astype(np.int32), np.concatenate(sv), np.concatenate(ur))


class ServiceCodes(NamedTuple):
    """The service indices the life events create needs for."""

    ktp: int
    kk: int
    birth_certificate: int
    moving_letter: int
    social_assistance: int


def household_members(rng: np.random.Generator, p: TrackedParams, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Adults and children of ``n`` households: ``persons_per_household`` on average (at least one adult), each
    further member an adult with the chance that makes ``adult_share`` of all persons adults."""
    extra = np.minimum(rng.poisson(max(p.persons_per_household - 1, 0.0), n), 2 * MAX_MEMBERS - 2)
    share = (p.adult_share * p.persons_per_household - 1) / max(p.persons_per_household - 1, 1e-9)
    more_adults = rng.binomial(extra, min(max(share, 0.0), 1.0))
    adults = np.minimum(1 + more_adults, MAX_MEMBERS)
    children = np.minimum(extra - more_adults, MAX_MEMBERS)
    return adults.astype(np.int8), children.astype(np.int8)
