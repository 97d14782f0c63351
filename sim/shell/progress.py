"""Progress of a long job: a bar with an ETA on a terminal, plain lines in a log, or nothing.

One run of the model and a whole experiment report progress the same way:

* on a terminal (``stderr`` is a TTY): a rich bar with done/total, elapsed
  time and ETA, shown only once the job has taken ``delay_s`` (a short run
  prints nothing extra) and removed when it ends;
* elsewhere (``nohup``, a Slurm log), when ``lines`` is set: one line every
  ``every_s`` seconds (and, if there was one, a last one at the end),
  ``<label>: 120/610 runs, 2m05s, ETA 8m30s``;
* nothing when ``enabled`` is false.
"""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


class Progress:
    """Report ``advance()`` calls towards ``total``.

    Args:
        total: units of work (weeks of a run, runs of an experiment).
        label: shown before the count.
        unit: what is counted ("weeks", "runs").
        done: units already finished (a resumed experiment).
        enabled: report at all (default: on a terminal, or when ``lines``).
        delay_s: on a terminal, show the bar only once the job has run this long.
        lines: when ``stderr`` is not a terminal, print a line every ``every_s`` seconds.
        stream: where to report (``sys.stderr``).
    """

    def __init__(self, total: int, label: str, unit: str = "runs", done: int = 0, enabled: bool | None = None,
                 delay_s: float = 0.0, lines: bool = False, every_s: float = 60.0, stream=None):
        self.total = int(total)
        self.done = int(done)
        self.start_done = self.done
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.mode = None
        if enabled is None or enabled:
            self.mode = "bar" if tty else ("lines" if lines else None)
        self.delay_s = delay_s
        self.every_s = every_s
        self.started = time.monotonic()
        self.last_line = self.started
        self._bar = None

    def advance(self, n: int = 1) -> None:
        """``n`` more units done."""
        self.done += n
        if self.mode == "bar":
            if self._bar is None and time.monotonic() - self.started >= self.delay_s:
                self._start_bar()
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)
        elif self.mode == "lines":
            now = time.monotonic()
            if now - self.last_line >= self.every_s:
                self.last_line = now
                self._line(now)

    def eta_s(self, now: float | None = None) -> float | None:
        """Seconds left at the pace of the units finished since this object started, if any were."""
        now = time.monotonic() if now is None else now
        new = self.done - self.start_done
        if new <= 0:
            return None
        return (now - self.started) / new * max(self.total - self.done, 0)

    def _line(self, now: float) -> None:
        eta = self.eta_s(now)
        text = (f"{self.label}: {self.done:,}/{self.total:,} {self.unit}, {_clock(now - self.started)}"
                + (f", ETA {_clock(eta)}" if eta is not None else ""))
        print(text, file=self.stream, flush=True)

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(TextColumn(f"[bold]{self.label}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn(self.unit), TimeElapsedColumn(), TextColumn("ETA"),
                                 TimeRemainingColumn(), transient=True, console=Console(file=self.stream))
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)

    def close(self) -> None:
        """Remove the bar (or, in a log, say where a long job ended)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif self.mode == "lines" and self.last_line > self.started:   # a long job: say where it ended
            self._line(time.monotonic())
