"""Experiment kinds as plug-ins: the generic modules reach a kind only through its interface, the key table of
docs/experiment_keys.md is the specification models' own, and saved folders of every vintage still load."""

import re
from pathlib import Path

import pytest

from sim.errors import ConfigError
from sim.experiments.kinds import KINDS
from sim.experiments.launch import prepare
from sim.experiments.spec import available, from_record, keys_markdown

ROOT = Path(__file__).resolve().parents[1]
GENERIC = sorted((ROOT / "sim" / "experiments").glob("*.py"))   # everything but the kinds package


def test_docs_table_matches_the_specification_models():
    assert (ROOT / "docs" / "experiment_keys.md").read_text() == keys_markdown(), \
        "regenerate with: python -m sim.experiments.spec > docs/experiment_keys.md"


def test_every_key_has_a_meaning_in_the_table(monkeypatch):
    # A key without a description would leave its row empty: the table refuses to be written.
    from sim.experiments.kinds.hysteresis import HysteresisExperiment

    monkeypatch.setattr(HysteresisExperiment.model_fields["control"], "description", None)
    with pytest.raises(ValueError, match="HysteresisExperiment.control has no description"):
        keys_markdown()


@pytest.mark.parametrize("path", GENERIC, ids=lambda p: p.name)
def test_generic_modules_have_no_branch_on_a_kind(path):
    names = "|".join(KINDS)
    per_kind = [re.compile(rf"[\"']({names})[\"']"),                         # a kind named: a branch or a table
                re.compile(r"\bspec\.kind\b\s*(==|!=|\bin\b|\bnot\s+in\b)"),  # a comparison with the kind
                re.compile(r"\[\s*spec\.kind\s*\]|\.get\(\s*spec\.kind\b")]   # a table looked up by the kind
    found = [f"{path.name}:{i}: {line.strip()}" for i, line in enumerate(path.read_text().splitlines(), start=1)
             if any(p.search(line) for p in per_kind)]
    assert found == [], "per-kind behaviour belongs in sim/experiments/kinds/: " + "; ".join(found)


def test_the_scan_finds_a_branch_on_a_kind(tmp_path):
    # The scan above, on a module that still branches: it must see it.
    module = tmp_path / "runner.py"
    module.write_text('def every(spec):\n    return 4 if spec.kind == "sensitivity" else 1\n')
    with pytest.raises(AssertionError, match="runner.py:2"):
        test_generic_modules_have_no_branch_on_a_kind(module)


@pytest.mark.parametrize("name", available())
def test_a_record_of_every_kinds_keys_loads_as_its_own_kind(name):
    # Folders written before a record held only its kind's keys hold every kind's (with their defaults).
    _, spec, _ = prepare([f"experiment={name}"])
    others = {}
    for other in available():
        others.update(prepare([f"experiment={other}"])[1].model_dump())
    record = {**others, **spec.model_dump()}
    assert set(record) > set(spec.model_dump())
    assert from_record(record) == spec
    with pytest.raises(ConfigError, match="bogus"):
        from_record({**record, "bogus": 1})            # a key of no kind is still refused


@pytest.mark.parametrize("data, words, never", [
    ({"name": "bad name!", "kind": "comparison", "policies": ["pemekaran"]}, "pattern '^[A-Za-z0-9]", "a-za-z"),
    ({"name": "e", "kind": "exploration", "policies": ["pemekaran"], "drivers": []},
     "the keys of an exploration experiment", "a exploration"),
    ({"name": "e", "kind": "exploration", "policies": ["pemekaran"], "uncertainties": 5},
     "experiment uncertainties=5 is not valid: allowed input should be 'all' or a valid list", "literal["),
])
def test_messages_keep_the_case_of_patterns_and_name_keys_plainly(data, words, never):
    from sim.experiments.spec import from_mapping

    with pytest.raises(ConfigError) as caught:
        from_mapping(data)
    assert words in str(caught.value) and never not in str(caught.value)


def test_an_experiment_key_on_the_command_line_says_where_it_belongs():
    from sim.shell.cli import check_overrides

    with pytest.raises(ConfigError, match="a key of the experiment file, not of the command line"):
        check_overrides(["experiment=exploration", "defaults_replicates=0"])
    with pytest.raises(ConfigError) as caught:
        check_overrides(["experiment=exploration", "replicatess=2"])
    assert "parameters are replicates (full list:" in str(caught.value)
