"""Static images of plotly figures (PNG, SVG) through kaleido and a Chromium browser, in a child process.

Why a child process: kaleido drives its browser from an event loop of its own (a thread, in its
synchronous API), reports an image it could not make among its return values rather than raising
(plotly's ``write_images`` drops them, and the file is then silently missing), and can hold on to a
Ctrl-C. Here the export is ``python -m sim.shell.images <job>``, one browser session for all the
images of a call; this process waits for it, then checks every file it should have written (there,
not empty, a PNG or an SVG). An image whose page was not ready (kaleido's tab can take the execution context
of the blank page it navigated from, on a loaded machine, and then finds no ``kaleido_scopes``) is tried again
at once in the same browser, whose tab kaleido reloads after every render; an image still missing is tried
once more with a fresh browser. A
Ctrl-C (or SIGTERM) stops the child, which closes its browser, removes the partial files and passes
the interrupt on.

What ``export`` ends in:

* every image written, each atomically (a temporary file, checked, then renamed into place);
* ``ImagesUnavailable``: there is no browser, or it cannot start (a memory limit on a login node):
  images are optional, the report is complete without them;
* ``OutputError``: the browser ran but an image could not be made, twice; it names the file and the
  cause, and no file of that name is left half written.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sim.errors import OutputError, describe

ATTEMPTS = 2            # a fresh browser for whatever the first one did not make
NOT_READY_TRIES = 3     # renders of one image in one browser while its page says kaleido's script has not run
NOT_READY = "kaleido_scopes is not defined"
RENDER_TIMEOUT_S = 180  # kaleido's limit for one image (its default, 90 s, is short on a loaded machine)
START_TIMEOUT_S = 300   # for the child to start its browser, beyond the images' own time
STOP_TIMEOUT_S = 20     # for a stopped child to close its browser before it is killed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ImagesUnavailable(Exception):
    """No images this time: no browser, or it would not start (the message says which, in one line)."""


@dataclass(frozen=True)
class Image:
    """One file to make: a figure (plotly's dict), where it goes, and its size in pixels."""

    figure: dict
    path: Path
    width: int = 1200
    height: int = 600

    @property
    def format(self) -> str:
        """``png`` or ``svg``, from the file name."""
        return self.path.suffix.lstrip(".")


def export(images: list[Image], browser: str, attempts: int = ATTEMPTS) -> None:
    """Write every image through the browser at ``browser`` (see the module docstring for what it ends in).

    Raises:
        ImagesUnavailable: the browser cannot start; nothing was written.
        OutputError: an image could not be made in ``attempts`` tries; the others are written.
        KeyboardInterrupt: Ctrl-C; the child is stopped (it closes its browser) and its partial files removed.
    """
    pending = list(images)
    causes: dict[Path, str] = {}
    unavailable = None
    for _ in range(max(attempts, 1)):
        try:
            causes = _attempt(pending, browser)
        except ImagesUnavailable as exc:   # perhaps slow to start on a loaded machine: once more
            unavailable = exc
            continue
        unavailable = None
        pending = [image for image in pending if image.path in causes]
        if not pending:
            return
    if unavailable is not None:
        if len(pending) == len(images):
            raise unavailable
        raise OutputError(pending[0].path, f"the browser would not start again: {unavailable}")
    first = pending[0]
    others = f"; {len(pending) - 1} other image(s) missing too" if len(pending) > 1 else ""
    raise OutputError(first.path, f"{causes[first.path]}, in each of {attempts} attempts{others}")


def _attempt(images: list[Image], browser: str) -> dict[Path, str]:
    """One browser session for ``images``; the files it made renamed into place; {path: cause} of the others."""
    tmps: dict[Path, Path] = {}
    job_file = None
    try:
        for image in images:
            image.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=image.path.parent, prefix=f".{image.path.name}.", suffix=".tmp")
            os.close(fd)
            tmps[image.path] = Path(tmp)
        fd, job_file = tempfile.mkstemp(prefix="sim-images-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"browser": browser, "timeout_s": RENDER_TIMEOUT_S,
                       "images": [{"figure": image.figure, "path": str(tmps[image.path]), "format": image.format,
                                   "width": image.width, "height": image.height} for image in images]},
                      out, cls=_encoder())
    except OSError as exc:
        _remove(tmps.values(), job_file)
        raise OutputError(next(iter(tmps), images[0].path), exc) from exc
    try:
        answer = _run_child(job_file, timeout=START_TIMEOUT_S + RENDER_TIMEOUT_S * len(images))
        if not answer.get("started"):
            raise ImagesUnavailable(f"the browser at {browser} could not export them ({answer.get('error')})")
        failed = answer.get("failed", {})
        causes = {}
        for image in images:
            tmp = tmps[image.path]
            cause = failed.get(str(tmp)) or _check(tmp, image.format)
            if cause is not None:
                causes[image.path] = cause
                continue
            try:
                os.replace(tmp, image.path)
            except OSError as exc:
                raise OutputError(image.path, exc) from exc
        return causes
    finally:
        _remove(tmps.values(), job_file)


def _run_child(job_file: str, timeout: float) -> dict:
    """Run the export in a child process and return its answer; Ctrl-C stops it (and is passed on)."""
    # The child imports this very package (a checkout's, not another installed copy): its root first on the path.
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    proc = subprocess.Popen([sys.executable, "-m", "sim.shell.images", job_file], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": path})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return {"started": True, **_all_failed(job_file, f"the browser gave no answer within {timeout:.0f} s")}
    except BaseException:
        _stop(proc)
        raise
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    last = (err.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    return {"started": True, **_all_failed(job_file, f"the export stopped ({last[:200]})")}


def _all_failed(job_file: str, cause: str) -> dict:
    images = json.loads(Path(job_file).read_text(encoding="utf-8"))["images"]
    return {"failed": {image["path"]: cause for image in images}}


def _stop(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """Ask a process to stop (the child closes its browser first); kill it if it does not in time (or on a second
    Ctrl-C)."""
    try:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _check(path: Path, fmt: str) -> str | None:
    """Why the file the browser was to write is not a whole image of its format, or None when it is."""
    try:
        head = path.read_bytes()[:2048]
    except OSError:
        return "the browser wrote no file"
    if not head:
        return "the browser wrote an empty file"
    if fmt == "png" and not head.startswith(PNG_MAGIC):
        return "the browser wrote a file that is not a PNG"
    if fmt == "svg" and b"<svg" not in head:
        return "the browser wrote a file that is not an SVG"
    return None


def _remove(paths, job_file: str | None) -> None:
    for path in [*paths, *([job_file] if job_file else [])]:
        try:
            os.remove(path)
        except OSError:
            pass


def _encoder():
    from plotly.utils import PlotlyJSONEncoder

    return PlotlyJSONEncoder


# ---------------------------------------------------------------- the child
class _Stopped(Exception):
    """The child was asked to stop (SIGINT or SIGTERM)."""


async def _render(job: dict) -> dict:
    """Every image of ``job`` in one browser session: {started, error, failed: {path: cause}}."""
    import asyncio
    import logging

    import kaleido

    # The browser drivers' own warnings stay quiet: a failure is reported once, by the parent.
    for name in ("choreographer", "kaleido", "logistro", "browser_proc"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    task = asyncio.current_task()
    stopping = []

    def stop() -> None:   # cancel what runs; the browser is closed on the way out
        stopping.append(True)
        task.cancel()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    browser = None
    try:
        browser = kaleido.Kaleido(n=1, timeout=job["timeout_s"], path=job["browser"], mathjax=False)
        await browser.open()
    except BaseException as exc:   # kaleido's and choreographer's errors are many kinds: each means no browser
        await _close(browser)
        if stopping:                # choreographer turns a cancelled start into a failed one
            raise _Stopped from None
        if not isinstance(exc, Exception):
            raise
        return {"started": False, "error": _short(exc)}
    failed = {}
    try:
        for image in job["images"]:
            spec = {"fig": image["figure"], "path": image["path"],
                    "opts": {"format": image["format"], "width": image["width"], "height": image["height"]}}
            for _ in range(NOT_READY_TRIES):
                try:
                    await browser.write_fig_from_object([spec], cancel_on_error=True)
                except Exception as exc:   # this image, not the others
                    failed[image["path"]] = _short(exc)
                    if NOT_READY in str(exc) and not stopping:
                        continue           # the tab was reloaded on its return: its page is ready now
                else:
                    failed.pop(image["path"], None)
                break
            if stopping:
                raise _Stopped
    except asyncio.CancelledError:
        raise _Stopped from None
    finally:
        await _close(browser)
    return {"started": True, "failed": failed}


async def _close(browser) -> None:
    """Close the browser, and make sure its process is gone (it runs in a session of its own)."""
    import asyncio

    if browser is None:
        return
    try:
        await asyncio.wait_for(browser.close(), STOP_TIMEOUT_S / 2)
    except BaseException:   # a browser that died, or would not close: its process is ended below
        pass
    proc = getattr(browser, "subprocess", None)
    if proc is not None:
        _stop(proc, timeout=5)


def _short(exc: BaseException) -> str:
    text = describe(exc)
    script = re.search(r"'description': '([^'\\]*)", text)   # a JavaScript error: its own line, not the devtools dict
    if script:
        text = f"{type(exc).__name__}: {script.group(1).strip()}"
    return text if len(text) <= 200 else text[:199] + "…"


def main(argv: list[str] | None = None) -> None:
    """``python -m sim.shell.images <job.json>``: make the job's images; one JSON line on stdout says how.

    Exits with 0 after the answer, 130 when stopped, without waiting for threads the browser driver may
    leave behind.
    """
    import asyncio

    argv = sys.argv[1:] if argv is None else argv
    code = 0
    try:
        job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        answer = asyncio.run(_render(job))
        print(json.dumps(answer), flush=True)
    except (_Stopped, asyncio.CancelledError, KeyboardInterrupt):
        code = 130
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
