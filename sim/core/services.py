"""Offices, service types and channels.

The service table is part of the model's input: every entry is an assumption
(documented in ``docs/parameters.md``) except where a source is given; the
yearly rates are per household and scaled by ``need_rate_multiplier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


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
    """A service type: the office that issues it, its complexity, visits and yearly rate, its channels."""
    name: str
    label_en: str
    label_id: str
    office: Office
    complexity: float        # 0-1: documents, rules, chance of rejection
    visits: int              # visits needed when everything goes right
    rate_per_year: float     # needs per household per year
    online: bool             # an online procedure exists
    broker: bool             # outside brokers (calo) offer it


# Rates are rough demographic orders of magnitude for ~3.5 people per household
# (births ≈ 18 per 1,000 people a year, KK updates with every birth, marriage,
# death or move); complexities and visit counts are assumptions.
SERVICES: tuple[Service, ...] = (
    Service("village_letter", "Village letter (surat pengantar)", "Surat pengantar / keterangan desa",
            Office.VILLAGE, 0.10, 1, 0.80, False, False),
    Service("ktp", "Identity card (e-KTP)", "KTP elektronik", Office.REGENCY, 0.40, 2, 0.12, True, True),
    Service("kk", "Family card (KK)", "Kartu Keluarga", Office.REGENCY, 0.50, 2, 0.20, True, True),
    Service("birth_certificate", "Birth certificate", "Akta kelahiran", Office.REGENCY, 0.45, 2, 0.07, True, True),
    Service("moving_letter", "Moving letter", "Surat pindah", Office.REGENCY, 0.60, 2, 0.04, True, True),
    Service("land_papers", "Land papers", "Surat tanah", Office.KECAMATAN, 0.80, 3, 0.03, False, True),
    Service("social_assistance", "Social-assistance enrolment (DTKS)", "Pendaftaran bansos (DTKS)",
            Office.KECAMATAN, 0.50, 2, 0.08, False, False),
)

SERVICE_NAMES = tuple(s.name for s in SERVICES)
SERVICE_OFFICE = np.array([s.office for s in SERVICES], dtype=np.int8)
SERVICE_COMPLEXITY = np.array([s.complexity for s in SERVICES])
SERVICE_VISITS = np.array([s.visits for s in SERVICES], dtype=np.float64)
SERVICE_RATE = np.array([s.rate_per_year for s in SERVICES])
SERVICE_ONLINE = np.array([s.online for s in SERVICES])
SERVICE_BROKER = np.array([s.broker for s in SERVICES])


def services_markdown() -> list[str]:
    """Rows of the service table for the parameter documentation."""
    lines = ["## Service types", "",
             "All values are **assumptions** (rates: orders of magnitude from demography; complexity and visits:",
             "judgement). Rates are per household per year, scaled by `need_rate_multiplier`.", "",
             "| service | label (EN) | label (ID) | office | complexity | visits | needs/household/year | online | "
             "outside broker |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in SERVICES:
        lines.append(f"| `{s.name}` | {s.label_en} | {s.label_id} | {s.office.name.lower()} | {s.complexity:g} | "
                     f"{s.visits} | {s.rate_per_year:g} | {'yes' if s.online else 'no'} | "
                     f"{'yes' if s.broker else 'no'} |")
    lines += ["", "Hours spent at an office per visit: `wait_hours_village`, `wait_hours_kecamatan` and "
              "`wait_hours_regency` (self service, above).", ""]
    return lines
