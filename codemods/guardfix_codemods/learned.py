"""What a run learns once per app of the project: its guard, its guest test, how it maps
the auth provider's id to its own user. Each is kept by the module that learns it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from guardfix_codemods.workspace import Workspace

T = TypeVar("T")


class PerApp(Generic[T]):
    """`learn(workspace, app root)`, run once per app of each workspace (one app of a
    monorepo does not teach another)."""

    def __init__(self, learn: Callable[[Workspace, str], T]) -> None:
        self._learn = learn
        self._found: WeakKeyDictionary[Workspace, dict[str, T]] = WeakKeyDictionary()

    def __call__(self, workspace: Workspace, path: str) -> T:
        """What the app of `path` teaches."""
        root = workspace.app_root(path)
        found = self._found.setdefault(workspace, {})
        if root not in found:
            found[root] = self._learn(workspace, root)
        return found[root]
