"""Every text of the classroom page in English and Bahasa Indonesia.

Parameter labels come from the registry (``label_en`` / ``label_id``), their
units are translated in ``texts.toml`` (``UNIT_TEXT``); channel names come from
``sim.core.services.CHANNEL_LABELS``; every other text is in ``texts.toml``, next
to this module. Numbers are written the Indonesian way in Bahasa Indonesia
(``2.200``, ``0,30``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sim.core.services import CHANNEL_LABELS, Channel
from sim.params.registry import PARAMS

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

# The tables of texts are data (sim/viz/texts.toml): a translator edits one file, and the code only says which
# text it shows. Each table maps a key to {"en": ..., "id": ...}.
_TEXTS = tomllib.loads(Path(__file__).with_name("texts.toml").read_text(encoding="utf-8"))
TEXT: dict[str, dict[str, str]] = _TEXTS["text"]
# Short names of the outcomes the page shows (charts and caption), by outcome name (``sim.core.outcomes``).
OUTCOME_TEXT: dict[str, dict[str, str]] = _TEXTS["outcome"]
# The same outcomes as the map's numbers name them (short: they stand under a map's title).
NUMBER_TEXT: dict[str, dict[str, str]] = _TEXTS["number"]
POLICY_TEXT: dict[str, dict[str, str]] = _TEXTS["policy"]
SCENARIO_TEXT: dict[str, dict[str, str]] = _TEXTS["scenario"]
# Every unit of the registry in both languages. A value is written as ``pattern.format(v=<number>)``;
# shares are written as percentages.
UNIT_TEXT: dict[str, dict[str, str]] = _TEXTS["unit"]


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
