"""A corpus of malformed experiment files and command lines (``tests/corpus/``): each one must end with exactly
one ``error:`` line naming what is wrong, exit code 2, and no results folder, before anything runs.

Each ``corpus/*.yaml`` opens with ``# expect: word | word``: the words its error line must contain; each line
of ``corpus/commands.txt`` is a command line followed by ``# expect: ...``.
"""

import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"


def _expected(line: str) -> list[str]:
    return [w.strip() for w in line.split("# expect:", 1)[1].split("|")]


def _files():
    for path in sorted(CORPUS.glob("*.yaml")):
        first = path.read_text().splitlines()[0]
        yield pytest.param([f"experiment={path}"], _expected(first), id=path.stem)


def _commands():
    for line in (CORPUS / "commands.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            args = line.split("# expect:")[0].split()
            yield pytest.param(args, _expected(line), id=" ".join(args))


CASES = [*_files(), *_commands()]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 50


@pytest.mark.parametrize("args,words", CASES)
def test_malformed_input_is_one_error_line_exit_2_and_no_folder(tmp_path, monkeypatch, capsys, args, words):
    from sim.__main__ import main

    results = tmp_path / "results"
    monkeypatch.chdir(tmp_path)                       # a relative path in a case is relative to nowhere useful
    monkeypatch.setattr(sys, "argv", ["sim", *args, f"results_dir={results}"])
    with pytest.raises(SystemExit) as stop:
        main()
    out = capsys.readouterr()
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert stop.value.code == 2, out.err
    assert len(lines) == 1 and lines[0].startswith("error: "), out.err
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in out.err + out.out
    assert not results.exists()
