"""Offices, service types and channels.

The service table is part of the model's input: every entry is an assumption
(documented in ``docs/parameters.md``) except where a source is given; the
yearly rates are per household and scaled by ``need_rate_multiplier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.core.documents import Issues, Requires, ServiceCodes


class Office(IntEnum):
    """Where a document is issued."""

    VILLAGE = 0     # balai desa
    KECAMATAN = 1   # kantor kecamatan
    REGENCY = 2     # Disdukcapil and other regency offices


class Channel(IntEnum):
    """How a resident handles a need (the order is the column order of utilities)."""

    IN_PERSON = 0
    ONLINE = 1
    ENTRUST = 2   # titip: an official handles the case for a fee
    BROKER = 3    # calo: an outside broker
    DEFER = 4     # wait; an unmet need if it is finally abandoned


N_CHANNELS = len(Channel)
NO_CHANNEL = -1

CHANNEL_LABELS = {
    "en": {Channel.IN_PERSON: "in person", Channel.ONLINE: "online", Channel.ENTRUST: "entrusted to an official",
           Channel.BROKER: "outside broker", Channel.DEFER: "unmet"},
    "id": {Channel.IN_PERSON: "datang sendiri", Channel.ONLINE: "daring", Channel.ENTRUST: "dititipkan ke perangkat",
           Channel.BROKER: "calo", Channel.DEFER: "belum terpenuhi"},
}

@dataclass(frozen=True)
class Service:
    """A service type: the office that issues it, its complexity, visits and yearly rate, its channels, what a
    completed need adds to the household's documents and which documents it requires."""
    name: str
    label_en: str
    label_id: str
    office: Office
    complexity: float        # 0-1: documents, rules, chance of rejection
    visits: int              # visits needed when everything goes right
    rate_per_year: float     # needs per household per year from occasions other than life events
    online: bool             # an online procedure exists
    broker: bool             # outside brokers (calo) offer it
    issues: Issues = Issues.NOTHING     # what a completed need adds to the household's stock
    requires: int = Requires.NONE       # documents it needs the household to hold (Requires bits)


# Needs for the civil registry's documents and for social assistance arise from life events and from the lack
# of a document (``sim.core.documents``); village letters and land papers at the yearly rates below (orders of
# magnitude: assumptions). Complexities and visit counts are assumptions. Requirements: an e-KTP needs the
# family card; a birth certificate, a moving letter and social assistance need the family card and an adult's
# e-KTP (Perpres 96/2018 lists them; a DTKS registration checks the population number, NIK).
SERVICES: tuple[Service, ...] = (
    Service("village_letter", "Village letter (surat pengantar)", "Surat pengantar / keterangan desa",
            Office.VILLAGE, 0.10, 1, 0.80, False, False),
    Service("ktp", "Identity card (e-KTP)", "KTP elektronik", Office.REGENCY, 0.40, 2, 0.0, True, True,
            Issues.KTP, Requires.KK),
    Service("kk", "Family card (KK)", "Kartu Keluarga", Office.REGENCY, 0.50, 2, 0.0, True, True, Issues.KK),
    Service("birth_certificate", "Birth certificate", "Akta kelahiran", Office.REGENCY, 0.45, 2, 0.0, True, True,
            Issues.BIRTH_CERTIFICATE, Requires.KK | Requires.KTP),
    Service("moving_letter", "Moving letter", "Surat pindah", Office.REGENCY, 0.60, 2, 0.0, True, True,
            Issues.NOTHING, Requires.KK | Requires.KTP),
    Service("land_papers", "Land papers", "Surat tanah", Office.KECAMATAN, 0.80, 3, 0.03, False, True),
    Service("social_assistance", "Social-assistance enrolment (DTKS)", "Pendaftaran bansos (DTKS)",
            Office.KECAMATAN, 0.50, 2, 0.0, False, False, Issues.ENROLMENT, Requires.KK | Requires.KTP),
)

SERVICE_NAMES = tuple(s.name for s in SERVICES)
SERVICE_OFFICE = np.array([s.office for s in SERVICES], dtype=np.int8)
SERVICE_COMPLEXITY = np.array([s.complexity for s in SERVICES])
SERVICE_VISITS = np.array([s.visits for s in SERVICES], dtype=np.float64)
SERVICE_RATE = np.array([s.rate_per_year for s in SERVICES])
SERVICE_ONLINE = np.array([s.online for s in SERVICES])
SERVICE_BROKER = np.array([s.broker for s in SERVICES])
SERVICE_ISSUES = np.array([s.issues for s in SERVICES], dtype=np.int8)
SERVICE_REQUIRES = np.array([s.requires for s in SERVICES], dtype=np.int8)
SERVICE_CODES = ServiceCodes(**{name: SERVICE_NAMES.index(name) for name in ServiceCodes._fields})


def services_markdown() -> list[str]:
    """Rows of the service table for the parameter documentation."""
    lines = ["## Service types", "",
             "Complexity and visits are **assumptions** (judgement). Needs for the civil registry's documents and",
             "social assistance arise from life events and from a missing document (Documents, above); the other",
             "rates are per household per year (orders of magnitude, assumptions), scaled by",
             "`need_rate_multiplier`. A completed need adds what it *issues* to the household's documents; a need",
             "waits while the household lacks a document it *requires*.", "",
             "| service | label (EN) | label (ID) | office | complexity | visits | other needs/household/year | "
             "online | outside broker | issues | requires |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in SERVICES:
        needs = " and ".join(r.name.lower() for r in Requires if r and s.requires & r) or "–"
        lines.append(f"| `{s.name}` | {s.label_en} | {s.label_id} | {s.office.name.lower()} | {s.complexity:g} | "
                     f"{s.visits} | {s.rate_per_year:g} | {'yes' if s.online else 'no'} | "
                     f"{'yes' if s.broker else 'no'} | {s.issues.name.lower().replace('_', ' ')} | {needs} |")
    lines += ["", "Hours spent at an office per visit: `wait_hours_village`, `wait_hours_kecamatan` and "
              "`wait_hours_regency` (self service, above).", ""]
    return lines
