"""A test that never finishes, for the mutation tool's timeout (given by path only: pytest's test_*.py pattern does
not collect it in a normal run)."""

import threading


def test_never_finishes():
    threading.Event().wait()
