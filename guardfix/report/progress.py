"""A progress bar on stderr for long runs: only on a terminal, and only when rich is there."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

THRESHOLD = 300  # files: below this a run is over before a bar would help
REFRESH = 0.1  # seconds between redraws


@contextmanager
def progress_bar(total: int, *, show: bool) -> Iterator[Callable[[], object] | None]:
    """A callable that advances the bar by one file, or None when no bar is shown."""
    if not show or total < THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    try:  # rich is the `progress` extra, imported only when a bar is shown
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    except ImportError:
        yield None
        return
    columns = (TextColumn("Checking"), BarColumn(), MofNCompleteColumn())
    # Drawn from this thread, not rich's own: the run may fork worker processes, and a
    # thread holding a lock at that moment would leave it held in every worker.
    bar = Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False)
    with bar:
        task = bar.add_task("check", total=total)
        drawn = 0.0

        def advance() -> None:
            nonlocal drawn
            bar.advance(task)
            if time.monotonic() - drawn > REFRESH:
                drawn = time.monotonic()
                bar.refresh()

        yield advance
