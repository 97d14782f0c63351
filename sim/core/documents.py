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

from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

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
        self.cell = cell.astype(np.int64)
        self.adults = adults.astype(np.int8)
        self.children = children.astype(np.int8)
        self.ktp = np.zeros(n, dtype=np.int8)
        self.birth_certificates = np.zeros(n, dtype=np.int8)
        self.kk = np.zeros(n, dtype=bool)
        self.eligible = eligible.astype(bool)
        self.enrolled = np.zeros(n, dtype=bool)
        self.by_village = np.zeros((n_villages, N_STOCKS), dtype=np.int64)
        self.by_cell = np.zeros((64, N_STOCKS), dtype=np.int64)
        self._add(np.arange(n), +1)

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

    def _add(self, households: np.ndarray, sign: int) -> None:
        """Add (``sign`` +1) or take away (-1) the contribution of ``households`` (each once) to the sums."""
        if households.size == 0:
            return
        c = sign * self._contribution(households)
        np.add.at(self.by_village, self.village[households], c)
        np.add.at(self.by_cell, self.cell[households], c)

    def _changing(self, households: np.ndarray) -> np.ndarray:
        """The distinct households about to change, their contribution already taken away (``_settle`` adds it
        back once they have changed)."""
        unique = np.unique(households)
        self._add(unique, -1)
        return unique

    def _settle(self, unique: np.ndarray) -> None:
        self._add(unique, +1)

    # ------------------------------------------------------------------ initial holdings
    def start(self, rng: np.random.Generator, p: TrackedParams) -> None:
        """The stock at the start: each child holds a birth certificate with ``init_birth_certificate_share``,
        each adult an e-KTP with ``init_ktp_share``, each household a current family card with
        ``init_kk_share``, each eligible household is enrolled with ``init_assistance_share``."""
        everyone = self._changing(np.arange(self.n))
        self.birth_certificates[:] = rng.binomial(self.children, p.init_birth_certificate_share)
        self.ktp[:] = rng.binomial(self.adults, p.init_ktp_share)
        self.kk[:] = rng.random(self.n) < p.init_kk_share
        self.enrolled[:] = self.eligible & (rng.random(self.n) < p.init_assistance_share)
        self._settle(everyone)

    # ------------------------------------------------------------------ life events
    def birth(self, households: np.ndarray) -> None:
        """A child is born in each of ``households`` (repeats: several): no certificate yet, the card outdated."""
        u = self._changing(households)
        np.add.at(self.children, households, 1)
        np.minimum(self.children, MAX_MEMBERS, out=self.children)
        self.kk[households] = False
        self._settle(u)

    def come_of_age(self, households: np.ndarray, had_certificate: np.ndarray) -> None:
        """A child of each household turns 17 (each household once): an adult without an e-KTP now; the child's
        birth certificate, where it had one (``had_certificate``), no longer counts among children's."""
        u = self._changing(households)
        self.children[households] -= 1
        self.birth_certificates[households] -= had_certificate.astype(np.int8)
        self.adults[households] = np.minimum(self.adults[households] + 1, MAX_MEMBERS)
        self._settle(u)

    def death(self, households: np.ndarray, had_ktp: np.ndarray) -> None:
        """An adult of each household dies (each household once, never its last adult): the card outdated; his
        e-KTP, where he had one, no longer counts."""
        u = self._changing(households)
        self.adults[households] -= 1
        self.ktp[households] -= had_ktp.astype(np.int8)
        self.kk[households] = False
        self._settle(u)

    def outdate_family_card(self, households: np.ndarray) -> None:
        """The family card of ``households`` no longer lists its members as they are (a marriage, a move)."""
        u = self._changing(households)
        self.kk[households] = False
        self._settle(u)

    # ------------------------------------------------------------------ what completed needs issue
    def issue(self, households: np.ndarray, services: np.ndarray, issues: np.ndarray) -> None:
        """Completed needs (one per entry: household, service) add what they issue (``issues``: the ``Issues`` code
        of each service) to the household's stock, never beyond its members."""
        what = issues[services]
        if not (what != Issues.NOTHING).any():
            return
        u = self._changing(households[what != Issues.NOTHING])
        for code, stock in ((Issues.KTP, self.ktp), (Issues.BIRTH_CERTIFICATE, self.birth_certificates)):
            h = households[what == code]
            np.add.at(stock, h, 1)
        np.minimum(self.ktp, self.adults, out=self.ktp)
        np.minimum(self.birth_certificates, self.children, out=self.birth_certificates)
        self.kk[households[what == Issues.KK]] = True
        enrolled = households[what == Issues.ENROLMENT]
        self.enrolled[enrolled] = self.eligible[enrolled]
        self._settle(u)

    # ------------------------------------------------------------------ reading
    def lacks(self, households: np.ndarray, requires: np.ndarray) -> np.ndarray:
        """Per need (household, the ``Requires`` bits of its service): a required document the household lacks,
        as the ``Requires`` bits of what is missing (0: nothing missing)."""
        missing = np.zeros(households.shape[0], dtype=np.int8)
        needs_kk = (requires & Requires.KK) != 0
        needs_ktp = (requires & Requires.KTP) != 0
        missing |= np.where(needs_kk & ~self.kk[households], Requires.KK, 0).astype(np.int8)
        missing |= np.where(needs_ktp & (self.ktp[households] == 0), Requires.KTP, 0).astype(np.int8)
        return missing


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


def _candidates(rng: np.random.Generator, weights: np.ndarray, cap: int, rate_per_year: float) -> np.ndarray:
    """Households each hit by an event at ``rate_per_year`` per unit of ``weights`` (members, say), drawn without a
    pass over every household: ``cap`` draws per household at the rate, each kept with ``weight / cap``; a
    household may be hit more than once. ``weights`` must not exceed ``cap``."""
    n = weights.shape[0]
    if rate_per_year <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    m = int(rng.binomial(n * cap, min(rate_per_year / WEEKS_PER_YEAR, 1.0)))
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    drawn = rng.integers(0, n, m)
    return drawn[rng.random(m) * cap < weights[drawn]]


def awareness(week: Week) -> np.ndarray:
    """Per household, how readily it seeks a document no deadline asks for yet, relative to a household of middle
    skill (0 to 2): ``2 / (1 + exp(-awareness_slope × (skill - 1/2)))``, skill being its literacy and know-how
    as its own attempts weigh them. Better-educated parents register births sooner (low maternal education is
    a determinant of unregistered births in Indonesia: IDHS 2017); 8% of households without a child's certificate
    did not know how (Susenas 2016, East Kalimantan)."""
    r, p = week.world.residents, week.p
    skill = p.skill_literacy_weight * r.literacy + (1 - p.skill_literacy_weight) * r.confidence
    return 2.0 / (1.0 + np.exp(-p.awareness_slope * (skill - 0.5)))


def _once(households: np.ndarray) -> np.ndarray:
    """Each household once (an event that can only happen once a week to the same household)."""
    return np.unique(households)


def life_events(week: Week, services: ServiceCodes) -> Occasions:
    """This week's births, comings of age, deaths, marriages, moves, school entries and lost cards: the change they
    make to each household's members and documents, and the needs they create."""
    d, rng, p = week.world.documents, week.rng, week.p
    aware = awareness(week)
    hh: list[np.ndarray] = []
    sv: list[np.ndarray] = []
    ur: list[np.ndarray] = []

    def need(households: np.ndarray, service: int, urgent: bool = False) -> None:
        hh.append(households)
        sv.append(np.full(households.size, service, dtype=np.int8))
        ur.append(np.full(households.size, urgent))

    persons = d.adults.astype(np.int64) + d.children
    # Births: a child without a certificate; some parents seek it at once, and the family card must list him.
    births = _candidates(rng, persons, 2 * MAX_MEMBERS, p.birth_rate_per_1000 / 1000)
    d.birth(births)
    need(births[rng.random(births.size) < p.birth_certificate_at_birth_share * aware[births]],
         services.birth_certificate)
    need(_once(births), services.kk)
    # Coming of age: one of the household's children turns 17, and may seek the e-KTP now due.
    grown = _once(_candidates(rng, d.children, MAX_MEMBERS, 1 / CHILD_YEARS))
    had = rng.random(grown.size) * d.children[grown] < d.birth_certificates[grown]
    d.come_of_age(grown, had)
    need(grown[rng.random(grown.size) < p.ktp_at_17_share * aware[grown]], services.ktp)
    # Deaths of adults (never a household's last): the family card must be updated.
    died = _once(_candidates(rng, persons, 2 * MAX_MEMBERS, p.death_rate_per_1000 / 1000))
    died = died[d.adults[died] > 1]
    d.death(died, rng.random(died.size) * d.adults[died] < d.ktp[died])
    need(died, services.kk)
    # Marriages: a new family card, and the spouse's e-KTP shows the new status.
    wed = _once(_candidates(rng, persons, 2 * MAX_MEMBERS, p.marriage_rate_per_1000 / 1000))
    d.outdate_family_card(wed)
    need(wed, services.kk, urgent=True)
    need(wed, services.ktp, urgent=True)
    # Moves into or out of the household: a moving letter and a new family card.
    moved = _once(_candidates(rng, persons, 2 * MAX_MEMBERS, p.move_rate_per_1000 / 1000))
    d.outdate_family_card(moved)
    need(moved, services.moving_letter, urgent=True)
    need(moved, services.kk, urgent=True)
    # School entry: a child reaching school age without a certificate needs one.
    pupils = _candidates(rng, d.children, MAX_MEMBERS, 1 / CHILD_YEARS)
    lacking = rng.random(pupils.size) * d.children[pupils] >= d.birth_certificates[pupils]
    need(pupils[lacking], services.birth_certificate, urgent=True)
    # Lost or damaged e-KTPs are replaced.
    need(_candidates(rng, d.ktp, MAX_MEMBERS, p.ktp_replacement_rate_per_year), services.ktp, urgent=True)
    # Poor households not enrolled in social assistance apply when the register is updated.
    applying = _candidates(rng, (d.eligible & ~d.enrolled).astype(np.int8), 1, p.assistance_apply_rate_per_year)
    need(applying, services.social_assistance, urgent=True)
    # Catching up: a household lacking a document seeks it without an occasion (awareness, a drive).
    need(_candidates(rng, (d.children - d.birth_certificates) * aware, 2 * MAX_MEMBERS, p.catch_up_rate_per_year),
         services.birth_certificate)
    need(_candidates(rng, (d.adults - d.ktp) * aware, 2 * MAX_MEMBERS, p.catch_up_rate_per_year), services.ktp)
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
