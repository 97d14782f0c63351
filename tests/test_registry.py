"""The parameter registry is the single source of truth."""

from pathlib import Path

import pytest

from sim.errors import ConfigError, UnknownNameError
from sim.model import ClientelismModel
from sim.params.registry import PARAMS, POLICY_NAMES, markdown_table, validate
from sim.params.schema import RunConfig

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", list(PARAMS))
def test_declaration_is_complete_and_consistent(name):
    p = PARAMS[name]
    assert p.label_en and p.label_id and p.unit
    assert p.role in ("uncertainty", "lever", "constant")
    assert p.check(p.default) == p.default
    if p.type is not bool:
        assert p.low <= p.default <= p.high
        lo, hi = p.sweep_range
        assert p.low <= lo <= hi <= p.high
    if p.role == "uncertainty":
        assert p.plausible is not None or p.sourced, "an uncertainty needs a plausible range or a source"


def test_every_parameter_is_read_by_the_model():
    levers = {f"{pol}_intensity": 0.5 for pol in POLICY_NAMES}
    levers.update({f"{pol}_start_step": 2 for pol in POLICY_NAMES})
    read = set()
    for targeted in (False, True):   # each training design reads its own parameters
        # Frequent complaints and detection, so that sanctions (and their deterrence) surely occur.
        model = ClientelismModel(rng=1, n_households=500, training_targeted=targeted, complaint_prob=0.2,
                                 detection_prob=0.5, **levers)
        for _ in range(40):
            model.step()
        read |= model.p.read
    unread = set(PARAMS) - read
    assert unread == set(), f"parameters nobody reads: {sorted(unread)}"


def test_docs_table_matches_registry():
    assert (ROOT / "docs" / "parameters.md").read_text() == markdown_table(), \
        "regenerate with: python -m sim.params.registry > docs/parameters.md"


def test_hydra_schema_has_every_parameter():
    fields = set(RunConfig.__dataclass_fields__)
    assert set(PARAMS) <= fields


def test_validation_messages_name_parameter_value_and_range():
    with pytest.raises(ConfigError) as e:
        validate({"tie_gain": 1.5})
    assert "tie_gain" in str(e.value) and "1.5" in str(e.value) and "from 0 to 1" in str(e.value)
    with pytest.raises(ConfigError):
        validate({"n_households": "many"})
    with pytest.raises(ConfigError):
        validate({"n_households": 10.5})
    with pytest.raises(ConfigError):
        validate({"training_targeted": 1})
    with pytest.raises(UnknownNameError) as e:
        validate({"tie_gian": 0.3})
    assert "tie_gain" in str(e.value)  # a close match is suggested


def test_model_rejects_bad_keywords():
    with pytest.raises(UnknownNameError):
        ClientelismModel(rng=1, no_such_parameter=3)
    with pytest.raises(ConfigError):
        ClientelismModel(rng=1, literacy_mean=2.0)
    with pytest.raises(UnknownNameError):
        ClientelismModel(rng=1, scenario="atlantis")
    with pytest.raises(UnknownNameError):
        ClientelismModel(rng=1, policy="pemekaran+magic")


def test_policy_presets_switch_on_their_levers():
    m = ClientelismModel(rng=1, n_households=100, policy="pemekaran+digital_training")
    assert m.p.pemekaran_intensity == 1.0
    assert m.p.digital_training_intensity > 0
    assert m.p.simplification_intensity == 0.0
    # an explicit override wins over the preset
    m = ClientelismModel(rng=1, n_households=100, policy="pemekaran", pemekaran_intensity=0.5)
    assert m.p.pemekaran_intensity == 0.5
