"""Every text of the visualizer in English and Bahasa Indonesia.

Parameter labels come from the registry (``label_en`` / ``label_id``); channel
names from ``sim.core.services.CHANNEL_LABELS``; everything else is here.
"""

from __future__ import annotations

from sim.core.services import CHANNEL_LABELS, Channel
from sim.params.registry import PARAMS

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Clientelism in village services", "id": "Klientelisme dalam layanan desa"},
    "language": {"en": "Language", "id": "Bahasa"},
    "map_title": {"en": "Village map — week {week} (year {year})", "id": "Peta desa — minggu {week} (tahun {year})"},
    "map_title_compare": {"en": "{side} — week {week}", "id": "{side} — minggu {week}"},
    "with_policy": {"en": "With the policy", "id": "Dengan kebijakan"},
    "baseline": {"en": "Baseline (no policy)", "id": "Tanpa kebijakan"},
    "no_need_yet": {"en": "no need yet", "id": "belum ada kebutuhan"},
    "literacy_note": {"en": "darker = more digitally literate", "id": "lebih gelap = literasi digital lebih tinggi"},
    "official_current": {"en": "official (current camp)", "id": "perangkat (kubu kepala desa sekarang)"},
    "official_former": {"en": "official (former camp)", "id": "perangkat (kubu kepala desa lama)"},
    "village_office": {"en": "village office", "id": "balai desa"},
    "kecamatan_office": {"en": "kecamatan office", "id": "kantor kecamatan"},
    "regency_seat": {"en": "to the regency seat: {km:.0f} km", "id": "ke pusat kabupaten: {km:.0f} km"},
    "hamlet": {"en": "Dusun {n}", "id": "Dusun {n}"},
    "ties": {"en": "patron ties", "id": "ikatan patron"},
    "show_ties": {"en": "Show patron ties", "id": "Tampilkan ikatan patron"},
    "chart_brokered": {"en": "Needs handled through officials or brokers", "id": "Kebutuhan lewat perangkat atau calo"},
    "chart_lockin": {"en": "Households locked into one patron", "id": "Rumah tangga terikat pada satu patron"},
    "chart_gaps": {"en": "Access gaps (bottom minus top quarter)", "id": "Kesenjangan akses (kuartil bawah dikurangi atas)"},
    "chart_fees": {"en": "Fees per household per year (Rp)", "id": "Pungutan per rumah tangga per tahun (Rp)"},
    "gap_literacy": {"en": "literacy", "id": "literasi"},
    "gap_distance": {"en": "distance", "id": "jarak"},
    "gap_income": {"en": "income", "id": "pendapatan"},
    "year": {"en": "year", "id": "tahun"},
    "seed": {"en": "Seed (whole number)", "id": "Benih acak (bilangan bulat)"},
    "scenario": {"en": "Scenario", "id": "Skenario"},
    "compare": {"en": "Side by side: policy and baseline", "id": "Berdampingan: kebijakan dan tanpa kebijakan"},
    "policy_on": {"en": "{name}: on", "id": "{name}: aktif"},
    "intensity": {"en": "{name}: intensity ({unit}, preset {preset:g})", "id": "{name}: intensitas ({unit}, bawaan {preset:g})"},
    "policies_active": {"en": "Policies on: {names}", "id": "Kebijakan aktif: {names}"},
    "none": {"en": "none", "id": "tidak ada"},
    "apply_hint": {"en": "Change the controls, then press Reset to start a new village with them.",
                   "id": "Ubah pengaturan, lalu tekan Reset untuk memulai desa baru dengannya."},
    "seed_empty": {"en": "The seed was empty: seed 0 is used.", "id": "Benih acak kosong: dipakai benih 0."},
    "seed_invalid": {"en": "The seed '{value}' is not a whole number from 0 upwards: seed 0 is used.",
                     "id": "Benih acak '{value}' bukan bilangan bulat mulai 0: dipakai benih 0."},
    "param_invalid": {"en": "Not applied: {error}", "id": "Tidak dipakai: {error}"},
    "outcomes": {"en": "Now", "id": "Saat ini"},
    "brokered_now": {"en": "brokered", "id": "lewat perantara"},
    "lockin_now": {"en": "locked in", "id": "terikat patron"},
    "online_now": {"en": "online", "id": "daring"},
    "literacy_now": {"en": "mean literacy", "id": "rata-rata literasi"},
}

POLICY_TEXT = {
    "pemekaran": {"en": "Pemekaran (seat moves to Bumiayu)", "id": "Pemekaran (pusat pindah ke Bumiayu)"},
    "digital_training": {"en": "Digital training", "id": "Pelatihan digital"},
    "simplification": {"en": "Simplification", "id": "Penyederhanaan prosedur"},
    "enforcement": {"en": "Enforcement (Saber Pungli, Ombudsman)", "id": "Penegakan (Saber Pungli, Ombudsman)"},
    "mobile_service": {"en": "Mobile service (jemput bola)", "id": "Layanan jemput bola"},
}

SCENARIO_TEXT = {"bangbayang": {"en": "Bangbayang (Brebes)", "id": "Bangbayang (Brebes)"}}


def t(lang: str, key: str, **kw) -> str:
    """The text ``key`` in ``lang`` (English when a translation is missing), formatted with ``kw``."""
    entry = TEXT[key]
    return entry.get(lang, entry["en"]).format(**kw)


def param_label(lang: str, name: str) -> str:
    """A registry parameter's label in ``lang`` with its unit and the model's default."""
    p = PARAMS[name]
    label = p.label_id if lang == "id" else p.label_en
    default = f"{p.default:,}" if isinstance(p.default, int) else f"{p.default:g}"
    return f"{label} ({p.unit}; {'bawaan' if lang == 'id' else 'default'} {default})"


def channel_label(lang: str, channel: int) -> str:
    if channel < 0:
        return t(lang, "no_need_yet")
    return CHANNEL_LABELS[lang][Channel(channel)]
