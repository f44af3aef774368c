"""What the facts' parts (pages, submissions, publicity, policies, schema, guests) see of
the project: the coordinator in project.py hands itself to them as this, so they need not
import it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from tree_sitter import Node

from guardfix.facts.flow import Resolver, SessionArgs, Summary
from guardfix.facts.resolve import ModuleResolver
from guardfix.files import Reader
from guardfix.model import ServerAction
from guardfix.module import Module


class ProjectView(Resolver, Protocol):
    """The project's files, its names across imports and its helpers' summaries; as a
    `Resolver` it also drives a flow `Walker`."""

    reader: Reader
    resolver: ModuleResolver
    files: Callable[[], Iterable[str]]  # every file of the project

    def module(self, path: str) -> Module | None:
        """The parsed file at `path`; None when it is not source or cannot be read."""

    def files_containing(
        self, *needles: bytes, ignore_case: bool = False, under: str = ""
    ) -> list[str]:
        """The source files below `under` ("" for all) whose text holds one of `needles`."""

    def definition(
        self, module: Module, name: str, at: Node | None = None, depth: int = 0
    ) -> tuple[Module, Node] | None:
        """Where a name used in `module` (at node `at`) is defined, across imports."""

    def function_for(
        self, module: Module, name: str, at: Node | None, depth: int = 0
    ) -> tuple[Module, Node] | None:
        """The function a name calls: a declaration, `const f = () => ...`, or `cache(f)`."""

    def method_for(self, module: Module, callee: Node) -> tuple[Module, Node] | None:
        """The method a member call runs on a project object or class instance."""

    def summary(self, module: Module, fn: Node, session_args: SessionArgs = ()) -> Summary | None:
        """What calling `fn` does, given the session values passed at some positions."""

    def directive_actions(
        self, paths: Iterable[str], names: Callable[[bytes], bool], under: str = ""
    ) -> Iterator[tuple[Module, ServerAction]]:
        """The `"use server"` functions of the files whose text `names` accepts."""
