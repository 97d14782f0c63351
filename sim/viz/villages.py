"""New villages for the page, fast: built once per set of controls, then copied.

Building a village runs its ten-year spin-up (about a second for Bangbayang, two side by side, several on a busy
machine): the first load and every Reset waited for it. A village is a deterministic function of its controls
(the seed among them), so the server keeps a few villages at week 0, each for the controls it was built from,
and hands every tab its own copy (``copy.deepcopy``: a few milliseconds, and nothing is shared between tabs).
The default village is built when the server starts; the village of controls a lecturer has just changed is
built in the background before Reset is pressed (``prepare``), one at a time, the latest request first.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from sim.viz.classroom import ClassroomModel

KEEP = 6            # villages kept at week 0 (each a few MB)


def _key(controls: dict) -> tuple:
    return tuple(sorted((name, repr(value)) for name, value in controls.items()))


class Villages:
    """Week-0 villages by their controls (an LRU of ``KEEP``), built once, copied for every use."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._built: OrderedDict[tuple, ClassroomModel] = OrderedDict()
        self._building: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self._wanted: dict | None = None
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self.builds = 0                  # villages built so far (not copied)

    def get(self, controls: dict) -> ClassroomModel:
        """A new village for these controls, the tab's own (built now, or copied from one built before)."""
        key = _key(controls)
        while True:
            with self._lock:
                built = self._built.get(key)
                if built is not None:
                    self._built.move_to_end(key)
                    return copy.deepcopy(built)
                pending = self._building.get(key)
                if pending is None:
                    pending = self._building[key] = threading.Event()
                    break
            pending.wait()               # another thread builds this very village: take its result
        try:
            village = ClassroomModel(**controls)
            with self._lock:
                self.builds += 1
                self._built[key] = village
                while len(self._built) > self.keep:
                    self._built.popitem(last=False)
            return copy.deepcopy(village)
        finally:
            with self._lock:
                self._building.pop(key, None)
            pending.set()

    def ready(self, controls: dict) -> bool:
        """Whether a village for these controls is built already (``get`` then only copies it)."""
        with self._lock:
            return _key(controls) in self._built

    def prepare(self, controls: dict) -> None:
        """Build the village of these controls in the background (the latest request replaces an earlier one
        not yet started)."""
        with self._lock:
            self._wanted = dict(controls)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="villages", daemon=True)
                self._worker.start()
        self._wake.set()

    def _work(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                wanted, self._wanted = self._wanted, None
                self._wake.clear()
            if wanted is not None and not self.ready(wanted):
                try:
                    self.get(wanted)
                except Exception:      # a village the controls cannot build: Reset will show the message
                    pass


VILLAGES = Villages()
