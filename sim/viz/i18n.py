"""Every text of the classroom page in English and Bahasa Indonesia.

Parameter labels come from the registry (``label_en`` / ``label_id``), their
units are translated here (``UNIT_TEXT``); channel names come from
``sim.core.services.CHANNEL_LABELS``; everything else is here. Numbers are written
the Indonesian way in Bahasa Indonesia (``2.200``, ``0,30``).
"""

from __future__ import annotations

from sim.core.services import CHANNEL_LABELS, Channel
from sim.params.registry import PARAMS

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Clientelism in village services", "id": "Klientelisme dalam layanan desa"},
    "page_title": {"en": "Clientelism in village services — classroom",
                   "id": "Klientelisme dalam layanan desa — kelas"},
    "language": {"en": "Language", "id": "Bahasa"},
    # --- running the village (what Mesa's "Controls" panel offered, ours and translated)
    "run_title": {"en": "Run the village", "id": "Jalankan desa"},
    "play": {"en": "▶ Play", "id": "▶ Putar"},
    "pause": {"en": "❚❚ Pause", "id": "❚❚ Jeda"},
    "step": {"en": "Step: +1 week", "id": "Maju 1 minggu"},
    "reset": {"en": "Reset: new village", "id": "Ulang: desa baru"},
    "restore": {"en": "Restore defaults", "id": "Kembalikan bawaan"},
    "stop_at": {"en": "Stop at year", "id": "Berhenti pada tahun"},
    "pause_ms": {"en": "Pause between frames", "id": "Jeda antargambar"},
    "draw_every": {"en": "Draw the village every", "id": "Gambar desa setiap"},
    "weeks_n": {"en": "{n} weeks", "id": "{n} minggu"},
    "week_1": {"en": "1 week", "id": "1 minggu"},
    "year_n": {"en": "year {n}", "id": "tahun {n}"},
    "status": {"en": "Week {week} · year {year}", "id": "Minggu {week} · tahun {year}"},
    "stopped_at": {"en": "Stopped at year {year}. Raise “Stop at year” to run on.",
                   "id": "Berhenti pada tahun {year}. Naikkan “Berhenti pada tahun” untuk melanjutkan."},
    # --- the model's controls (what Mesa's "Model Parameters" panel offered)
    "village_title": {"en": "Village and policies", "id": "Desa dan kebijakan"},
    "policies_title": {"en": "Policies (each starts in week {week})",
                       "id": "Kebijakan (masing-masing mulai minggu {week})"},
    "parameters_title": {"en": "Key parameters", "id": "Parameter utama"},
    "seed": {"en": "Seed (whole number)", "id": "Benih acak (bilangan bulat)"},
    "scenario": {"en": "Scenario", "id": "Skenario"},
    "compare": {"en": "Side by side: policy and baseline", "id": "Berdampingan: kebijakan dan tanpa kebijakan"},
    "lasts": {"en": "Lasts", "id": "Berlangsung"},
    "years_n": {"en": "{n} years", "id": "{n} tahun"},
    "year_1": {"en": "1 year", "id": "1 tahun"},
    "no_end": {"en": "to the end of the run", "id": "sampai akhir simulasi"},
    "from_week_on": {"en": "from week {week} on", "id": "sejak minggu {week}"},
    "ends_week": {"en": "ends in week {week}", "id": "berakhir minggu {week}"},
    "policy_settings": {"en": "Policy settings (used at the next Reset)",
                        "id": "Pengaturan kebijakan (dipakai saat Ulang berikutnya)"},
    "off_hint": {"en": "switch it on above to change these", "id": "aktifkan di atas untuk mengubahnya"},
    "play_title": {"en": "How Play runs", "id": "Cara pemutaran"},
    "default": {"en": "default {value}", "id": "bawaan {value}"},
    "preset": {"en": "preset {value}", "id": "setelan {value}"},
    "pending": {"en": "Not applied yet: {what}. Press Reset to start a new village with them.",
                "id": "Belum dipakai: {what}. Tekan Ulang untuk memulai desa baru dengannya."},
    "pending_short": {"en": "not applied yet: {what} — press Reset", "id": "belum dipakai: {what} — tekan Ulang"},
    "pending_mark": {"en": "not applied", "id": "belum dipakai"},
    "switched_on": {"en": "{name} on", "id": "{name} aktif"},
    "switched_off": {"en": "{name} off", "id": "{name} mati"},
    "settings_of": {"en": "{name} settings", "id": "pengaturan {name}"},
    "seed_changed": {"en": "the seed", "id": "benih acak"},
    "scenario_changed": {"en": "the scenario", "id": "skenario"},
    "compare_on": {"en": "side by side on", "id": "berdampingan aktif"},
    "compare_off": {"en": "side by side off", "id": "berdampingan mati"},
    "building": {"en": "Building a new village…", "id": "Membangun desa baru…"},
    "restoring": {"en": "Restoring week {week}…", "id": "Memulihkan minggu {week}…"},
    "restored": {"en": "Restored at week {week}, as it was before the page was reloaded.",
                 "id": "Dipulihkan pada minggu {week}, seperti sebelum halaman dimuat ulang."},
    "policies_active": {"en": "Policies on: {names}", "id": "Kebijakan aktif: {names}"},
    "none": {"en": "none", "id": "tidak ada"},
    # --- views
    "projector": {"en": "Full-screen map", "id": "Peta layar penuh"},
    "projector_exit": {"en": "Back to the controls", "id": "Kembali ke pengaturan"},
    "show_ties": {"en": "Show patron ties", "id": "Tampilkan ikatan patron"},
    # --- messages
    "seed_empty": {"en": "The seed was empty: seed 0 is used.", "id": "Benih acak kosong: dipakai benih 0."},
    "seed_invalid": {"en": "The seed '{value}' is not a whole number from 0 upwards: seed 0 is used.",
                     "id": "Benih acak '{value}' bukan bilangan bulat mulai 0: dipakai benih 0."},
    "param_invalid": {"en": "Not applied: {error}", "id": "Tidak dipakai: {error}"},
    "seat_farther": {"en": "Pemekaran moves the regency seat from {old} km to {new} km: farther away, not nearer. "
                           "Set the new seat nearer than the regency seat, or switch pemekaran off.",
                     "id": "Pemekaran memindahkan pusat kabupaten dari {old} km ke {new} km: makin jauh, bukan makin "
                           "dekat. Atur pusat baru lebih dekat daripada pusat kabupaten, atau matikan pemekaran."},
    # --- the map
    "map_title": {"en": "Village map — week {week} (year {year})", "id": "Peta desa — minggu {week} (tahun {year})"},
    "map_title_compare": {"en": "{side} — week {week} (year {year})", "id": "{side} — minggu {week} (tahun {year})"},
    "with_policy": {"en": "With the policy", "id": "Dengan kebijakan"},
    "baseline": {"en": "Baseline (no policy)", "id": "Tanpa kebijakan"},
    "no_policy": {"en": "No policy", "id": "Tanpa kebijakan"},
    "with_policies": {"en": "With the policies", "id": "Dengan kebijakan"},
    "no_need_yet": {"en": "no need yet", "id": "belum ada kebutuhan"},
    "literacy_note": {"en": "darker = more digitally literate", "id": "lebih gelap = literasi digital lebih tinggi"},
    "official_current": {"en": "official (current camp)", "id": "perangkat (kubu kepala desa sekarang)"},
    "official_former": {"en": "official (former camp)", "id": "perangkat (kubu kepala desa lama)"},
    "village_office": {"en": "village office", "id": "balai desa"},
    "kecamatan_office": {"en": "kecamatan office", "id": "kantor kecamatan"},
    "regency_seat": {"en": "to the regency seat: {km} km", "id": "ke pusat kabupaten: {km} km"},
    "hamlet": {"en": "Dusun {n}", "id": "Dusun {n}"},
    "regency_seat_line1": {"en": "to the regency seat:", "id": "ke pusat kabupaten:"},
    "dots_show": {"en": "Dots show", "id": "Titik menunjukkan"},
    "dots_channel": {"en": "last need", "id": "kebutuhan terakhir"},
    "dots_literacy": {"en": "digital literacy", "id": "literasi digital"},
    "literacy_band": {"en": "literacy {lo}–{hi}", "id": "literasi {lo}–{hi}"},
    "literacy_band_top": {"en": "literacy {lo} or more", "id": "literasi {lo} ke atas"},
    "literacy_band_low": {"en": "literacy below {hi}", "id": "literasi di bawah {hi}"},
    "difference_points": {"en": "{sign}{v} pts", "id": "{sign}{v} poin"},
    "ties": {"en": "patron ties", "id": "ikatan patron"},
    # --- the charts
    "chart_paid": {"en": "Needs paid to officials or brokers", "id": "Kebutuhan yang dibayar ke perangkat atau calo"},
    "chart_lockin": {"en": "Households locked into one patron", "id": "Rumah tangga terikat pada satu patron"},
    "chart_gaps": {"en": "Access gaps (bottom minus top quarter)",
                   "id": "Kesenjangan akses (kuartil bawah dikurangi atas)"},
    "chart_gap_one": {"en": "Access gap by {dim} (bottom minus top quarter)",
                      "id": "Kesenjangan akses menurut {dim} (kuartil bawah dikurangi atas)"},
    "chart_fees": {"en": "Fees per household per year (Rp)", "id": "Pungutan per rumah tangga per tahun (Rp)"},
    "chart_online": {"en": "Needs handled online", "id": "Kebutuhan diurus secara daring"},
    "chart_literacy": {"en": "Mean digital literacy (0–1)", "id": "Rata-rata literasi digital (0–1)"},
    "gap_literacy": {"en": "literacy", "id": "literasi"},
    "gap_distance": {"en": "distance", "id": "jarak"},
    "gap_income": {"en": "income", "id": "pendapatan"},
    "gap_show": {"en": "Gap by", "id": "Kesenjangan menurut"},
    "year": {"en": "year", "id": "tahun"},
    "policy_start": {"en": "policies start", "id": "kebijakan mulai"},
    # --- what happened since the policies started
    "caption_none": {"en": "No policy is on: this is the village as it is.",
                     "id": "Tidak ada kebijakan aktif: inilah desa apa adanya."},
    "caption_before": {"en": "The policies start in week {week} ({left} weeks from now).",
                       "id": "Kebijakan mulai minggu {week} ({left} minggu lagi)."},
    "caption_since": {"en": "Since the policies started in week {week} ({years} years ago): {changes}.",
                      "id": "Sejak kebijakan mulai minggu {week} ({years} tahun lalu): {changes}."},
    "caption_compare_short": {"en": "The policies started in week {week} ({years} years ago); in brackets: the "
                                    "difference to the baseline.",
                              "id": "Kebijakan mulai minggu {week} ({years} tahun lalu); dalam kurung: selisih dengan "
                                    "desa tanpa kebijakan."},
    "policy_end": {"en": "policies end", "id": "kebijakan berakhir"},
    "lost": {"en": "The page has lost its server. When the server runs again (make viz), the page comes back by "
                   "itself, with its language, settings and week.",
             "id": "Halaman kehilangan servernya. Begitu server berjalan lagi (make viz), halaman kembali dengan "
                   "sendirinya, dengan bahasa, pengaturan, dan minggunya."},
    "back": {"en": "The server is back: reloading the lesson…", "id": "Server sudah kembali: memuat ulang pelajaran…"},
    "change": {"en": "{what} {before} → {now}", "id": "{what} {before} → {now}"},
}

# Short names of the outcomes the page shows (charts and caption), by outcome name (``sim.core.outcomes``).
OUTCOME_TEXT: dict[str, dict[str, str]] = {
    "paid_dependence_share": {"en": "paid to officials or brokers", "id": "dibayar ke perangkat atau calo"},
    "patron_lockin_share": {"en": "locked into a patron", "id": "terikat patron"},
    "fees_per_household_rupiah": {"en": "fees per household a year", "id": "pungutan per rumah tangga setahun"},
    "online_share": {"en": "online", "id": "daring"},
    "mean_literacy": {"en": "mean literacy", "id": "rata-rata literasi"},
    "access_gap_literacy": {"en": "literacy gap", "id": "kesenjangan literasi"},
    "access_gap_distance": {"en": "distance gap", "id": "kesenjangan jarak"},
    "access_gap_income": {"en": "income gap", "id": "kesenjangan pendapatan"},
}

# The same outcomes as the map's numbers name them (short: they stand under a map's title).
NUMBER_TEXT: dict[str, dict[str, str]] = {
    "fees_per_household_rupiah": {"en": "fees a year", "id": "pungutan setahun"},
    "paid_dependence_share": {"en": "needs paid", "id": "kebutuhan berbayar"},
    "online_share": {"en": "online", "id": "daring"},
    "mean_literacy": {"en": "literacy", "id": "literasi"},
}

POLICY_TEXT = {
    "pemekaran": {"en": "Pemekaran (seat moves to Bumiayu)", "id": "Pemekaran (pusat pindah ke Bumiayu)"},
    "digital_training": {"en": "Digital training", "id": "Pelatihan digital"},
    "simplification": {"en": "Simplification", "id": "Penyederhanaan prosedur"},
    "enforcement": {"en": "Enforcement (Saber Pungli, Ombudsman)", "id": "Penegakan (Saber Pungli, Ombudsman)"},
    "mobile_service": {"en": "Mobile service (jemput bola)", "id": "Layanan jemput bola"},
}

SCENARIO_TEXT = {"bangbayang": {"en": "Bangbayang (Brebes)", "id": "Bangbayang (Brebes)"},
                 "bangbayang_after_election": {"en": "Bangbayang, just after a contested election",
                                               "id": "Bangbayang, sesudah pilkades yang sengit"}}

# Every unit of the registry in both languages. A value is written as ``pattern.format(v=<number>)``;
# shares are written as percentages.
UNIT_TEXT: dict[str, dict[str, str]] = {
    "-": {"en": "{v}", "id": "{v}"},
    "0-1": {"en": "{v} (scale 0–1)", "id": "{v} (skala 0–1)"},
    "1/year": {"en": "{v} per year", "id": "{v} per tahun"},
    "Rp": {"en": "Rp {v}", "id": "Rp {v}"},
    "Rp/km": {"en": "Rp {v} per km", "id": "Rp {v} per km"},
    "Rp/month": {"en": "Rp {v} a month", "id": "Rp {v} sebulan"},
    "cases/week": {"en": "{v} cases a week", "id": "{v} kasus seminggu"},
    "contacts": {"en": "{v} contacts", "id": "{v} kontak"},
    "hamlets": {"en": "{v} hamlets", "id": "{v} dusun"},
    "households": {"en": "{v} households", "id": "{v} rumah tangga"},
    "km": {"en": "{v} km", "id": "{v} km"},
    "km/h": {"en": "{v} km/h", "id": "{v} km/jam"},
    "log Rp": {"en": "{v} (log Rp)", "id": "{v} (log Rp)"},
    "officials": {"en": "{v} officials", "id": "{v} perangkat"},
    "per complaint": {"en": "{v} per complaint", "id": "{v} per pengaduan"},
    "per fee": {"en": "{v} per fee", "id": "{v} per pungutan"},
    "per month": {"en": "{v} per month", "id": "{v} per bulan"},
    "per week": {"en": "{v} per week", "id": "{v} per minggu"},
    "sd per sd": {"en": "{v} sd per sd", "id": "{v} sd per sd"},
    "share": {"en": "{pct}", "id": "{pct}"},
    "share of gap": {"en": "{pct} of the gap", "id": "{pct} dari selisihnya"},
    "share of income": {"en": "{pct} of income", "id": "{pct} dari pendapatan"},
    "share of weeks": {"en": "{pct} of weeks", "id": "{pct} dari minggu"},
    "share/year": {"en": "{pct} a year", "id": "{pct} per tahun"},
    "utility": {"en": "{v} (utility)", "id": "{v} (utilitas)"},
    "utility per monthly income": {"en": "{v} (utility per monthly income)",
                                   "id": "{v} (utilitas per pendapatan bulanan)"},
    "utility/week": {"en": "{v} (utility a week)", "id": "{v} (utilitas per minggu)"},
    "visits": {"en": "{v} visits", "id": "{v} kunjungan"},
    "week": {"en": "week {v}", "id": "minggu {v}"},
    "weeks": {"en": "{v} weeks", "id": "{v} minggu"},
    "years": {"en": "{v} years", "id": "{v} tahun"},
    "x": {"en": "×{v}", "id": "×{v}"},
    "×": {"en": "×{v}", "id": "×{v}"},
    "× adapt rate": {"en": "{v} × the adaptation rate", "id": "{v} × laju penyesuaian"},
    "× faction trust": {"en": "{v} × the trust in a camp", "id": "{v} × kepercayaan pada kubu"},
    "hours": {"en": "{v} hours", "id": "{v} jam"},
    "hours/month": {"en": "{v} hours a month", "id": "{v} jam sebulan"},
    "per complexity": {"en": "{v} per unit of complexity", "id": "{v} per satuan kerumitan"},
    "share of capacity": {"en": "{pct} of capacity", "id": "{pct} dari kapasitas"},
    "turns": {"en": "{v} of a turn", "id": "{v} putaran"},
}


def t(lang: str, key: str, **kw) -> str:
    """The text ``key`` in ``lang`` (English when a translation is missing), formatted with ``kw``."""
    entry = TEXT[key]
    return entry.get(lang, entry["en"]).format(**kw)


def number(lang: str, value: float, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` with thousands separators, the Indonesian way in ``id``; never "-0"."""
    rounded = round(float(value), decimals)
    if rounded == 0:
        rounded = 0.0          # -0.0 would print as "-0"
    text = f"{rounded:,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(lang: str, share: float, decimals: int = 0) -> str:
    """A share (0-1) as a percentage written the way of ``lang``."""
    return f"{number(lang, share * 100, decimals)}%"


def decimals_for(step: float) -> int:
    """Decimals that show a value on a slider of this step exactly (0.05 -> 2, 1 -> 0)."""
    text = f"{step:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def unit_value(lang: str, unit: str, value: float, decimals: int = 2) -> str:
    """A value with its unit, as a control shows it (shares as percentages)."""
    pattern = UNIT_TEXT[unit].get(lang, UNIT_TEXT[unit]["en"])
    return pattern.format(v=number(lang, value, decimals), pct=percent(lang, value, max(decimals - 2, 0)))


def param_label(lang: str, name: str) -> str:
    """A registry parameter's label in ``lang``."""
    p = PARAMS[name]
    return p.label_id if lang == "id" else p.label_en


def scenario_label(lang: str, name: str) -> str:
    """A scenario's name as the page shows it (not its identifier)."""
    return SCENARIO_TEXT.get(name, {}).get(lang, name)


def outcome_label(lang: str, name: str) -> str:
    """An outcome's short name, as the caption uses it."""
    return OUTCOME_TEXT[name][lang]


def number_label(lang: str, name: str) -> str:
    """An outcome's name among a map's numbers."""
    return NUMBER_TEXT[name][lang]


def channel_label(lang: str, channel: int) -> str:
    """How a need ended (a channel, or -1: no need yet), as the map's key says it."""
    if channel < 0:
        return t(lang, "no_need_yet")
    return CHANNEL_LABELS[lang][Channel(channel)]


def message(lang: str, key: str, values: dict) -> str:
    """A message of the model (``ClassroomModel.messages``) in ``lang``, its numbers written as ``lang`` writes them."""
    shown = {k: (number(lang, v, 0 if float(v).is_integer() else 1) if isinstance(v, float) else v)
             for k, v in values.items()}
    return t(lang, key, **shown)
