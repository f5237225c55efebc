"""The live progress bar of a run, drawn on stderr."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from redline.cli._output import err

if TYPE_CHECKING:
    from redline.engine import Tally


class ProgressDisplay:
    """Refreshed from the engine's flush ticks, at most a few times a second."""

    def __init__(self, total: int, label: str, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=err, auto_refresh=False, disable=not enabled)
        self.task: TaskID = self.progress.add_task(label, total=total, counts="")
        self._last = 0.0

    def __enter__(self) -> ProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.refresh()
        self.progress.stop()

    def update(self, tally: Tally) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.25 and tally.done < tally.total:
            return
        self._last = now
        counts = (f"refused {tally.refused} · complied {tally.complied} · "
                  f"errors {tally.errors}")
        self.progress.update(self.task, completed=tally.done, total=tally.total, counts=counts)
        self.progress.refresh()
