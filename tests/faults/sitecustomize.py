"""Faults in the figure export, for the tests that ask for them: a Python started with this folder on its
PYTHONPATH and ``SIM_TEST_FIGURE_FAULT`` set gets a kaleido that misbehaves on one image.

``SIM_TEST_FIGURE_FAULT`` is ``<mode>:<image>[:<file>]``, ``<image>`` a file name such as ``trajectories.png``:

* ``raise`` — kaleido raises on that image, in every browser session;
* ``silent`` — kaleido returns as if it had written that image, and writes nothing (what plotly's
  ``write_images`` lets through);
* ``once`` — kaleido raises on that image the first time only (``<file>`` is created then, and remembers it);
* ``hang`` — on that image, kaleido creates ``<file>`` and then waits, as a browser that stopped answering;
* ``notready`` — the first render in each browser session finds a page whose script has not run (kaleido's
  ``ReferenceError: kaleido_scopes is not defined``, seen on a loaded machine when its tab takes the execution
  context of the blank page it navigated from); kaleido then reloads the tab, as it does after every render.
  ``<image>`` is ignored (``*`` reads well).

Nothing changes in a process that never imports kaleido, or without the variable.
"""

import importlib.abc
import importlib.util
import os
import sys

FAULT = os.environ.get("SIM_TEST_FIGURE_FAULT")


def _install(module) -> None:
    import asyncio
    from pathlib import Path

    mode, image, *rest = FAULT.split(":", 2)
    marker = Path(rest[0]) if rest else None
    real = module.Kaleido.write_fig_from_object

    async def write_fig_from_object(self, fig_dicts, **kwargs):
        specs = [fig_dicts] if isinstance(fig_dicts, dict) else list(fig_dicts)
        if any(Path(str(spec.get("path"))).name.startswith(f".{image}.") for spec in specs):
            if mode == "raise" or (mode == "once" and not marker.exists()):
                if marker is not None:
                    marker.touch()
                raise RuntimeError(f"injected render failure of {image}")
            if mode == "silent":
                for spec in specs:
                    Path(str(spec["path"])).unlink(missing_ok=True)
                return None
            if mode == "hang":
                marker.touch()
                while True:
                    await asyncio.sleep(3600)
        return await real(self, fig_dicts, **kwargs)

    module.Kaleido.write_fig_from_object = write_fig_from_object
    if mode == "notready":
        _not_ready_once_per_session(module._KaleidoTab)


def _not_ready_once_per_session(tab_class) -> None:
    """The first ``_calc_fig`` of the process (one browser session) answers as a tab without kaleido's script."""
    from kaleido._kaleido_tab._errors import JavascriptError

    real = tab_class._calc_fig
    seen = []

    async def _calc_fig(self, spec, **kwargs):
        if not seen:
            seen.append(True)
            raise JavascriptError(str({"type": "object", "subtype": "error", "className": "ReferenceError",
                                       "description": "ReferenceError: kaleido_scopes is not defined\n"
                                                      "    at <anonymous>:1:26"}))
        return await real(self, spec, **kwargs)

    tab_class._calc_fig = _calc_fig


class _PatchKaleido(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Wraps the loading of ``kaleido.kaleido`` so that the fault is in place before anyone uses it."""

    def find_spec(self, name, path, target=None):
        if name != "kaleido.kaleido":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _install(module)


if FAULT:
    sys.meta_path.insert(0, _PatchKaleido())
