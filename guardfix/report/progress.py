"""A progress bar on stderr for long runs: only on a terminal, and only when rich is there."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

THRESHOLD = 300  # files: below this a run is over before a bar would help


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
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("check", total=total)
        yield lambda: bar.advance(task)
