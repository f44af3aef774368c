"""Import edits: add a name to an existing import from the same module, or a new import."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from guardfix.edits import Style, line_indent
from guardfix.model import Edit
from guardfix.module import Module
from guardfix.syntax import string_value, text, walk
from guardfix_codemods.codestyle import file_style


@dataclass(frozen=True)
class Need:
    """`name` imported from `module` (a package, or a specifier as seen from `base`)."""

    name: str
    module: str
    file: str | None = None  # the project file `module` resolves to, root-relative
    type_only: bool = False  # a type: imported as `type Name`, which erases at compile time
    default: bool = False  # the module's default export, bound to `name`

    @property
    def written(self) -> str:
        """The name as `import_edits` takes it: `type Name`, `default Name` or `Name`."""
        if self.default:
            return f"default {self.name}"
        return f"type {self.name}" if self.type_only else self.name


def import_edits(module: Module, style: Style, needs: list[tuple[str, str]]) -> list[Edit] | str:
    """Edits that make each (name, specifier) importable in `module`, or why they cannot.

    A name may be written `type Name`: it binds `Name`, as a type only; or `default Name`:
    it binds the module's default export to `Name`.
    """
    edits: list[Edit] = []
    fresh: dict[str, list[str]] = {}
    defaults: list[tuple[str, str]] = []
    for written, specifier in needs:
        default = written.startswith("default ")
        name = written.removeprefix("type ").removeprefix("default ")
        bound = module.imports.get(name)
        if bound is not None:
            if bound.specifier == specifier and bound.name == ("default" if default else name):
                continue
            return f"`{name}` is already imported from {bound.specifier!r}"
        if name in module.definitions:
            return f"`{name}` is already defined in this file"
        if default:
            defaults.append((name, specifier))
            continue
        statement = _named_import_from(module, specifier)
        if statement is None:
            if written not in fresh.setdefault(specifier, []):
                fresh[specifier].append(written)
            continue
        edits.append(_add_specifier(module, statement, written, style))
    if fresh or defaults:
        edits.append(_new_imports(module, style, fresh, defaults))
    return edits


def _named_import_from(module: Module, specifier: str) -> Node | None:
    """A value import of `specifier` that has (or can take) a `{ ... }` list."""
    for stmt in module.root.named_children:
        if stmt.type != "import_statement":
            continue
        if string_value(stmt.child_by_field_name("source")) != specifier:
            continue
        if any(c.type == "type" for c in stmt.children):
            continue  # `import type { X }` cannot carry a value
        clause = next((c for c in stmt.named_children if c.type == "import_clause"), None)
        if clause is None or any(c.type == "namespace_import" for c in clause.named_children):
            continue
        return stmt
    return None


def _add_specifier(module: Module, stmt: Node, name: str, style: Style) -> Edit:
    clause = next(c for c in stmt.named_children if c.type == "import_clause")
    named = next((c for c in clause.named_children if c.type == "named_imports"), None)
    if named is None:
        # `import x from "m"` becomes `import x, { name } from "m"`.
        return Edit(clause.end_byte, clause.end_byte, f", {{ {name} }}".encode())
    specs = [c for c in named.named_children if c.type == "import_specifier"]
    if not specs:
        return Edit(named.start_byte + 1, named.end_byte - 1, f" {name} ".encode())
    last = specs[-1]
    if last.start_point[0] != named.start_point[0]:
        # One name per line: put the new one on a line of its own, like the others.
        indent = line_indent(module.content, last.start_byte)
        return Edit(last.end_byte, last.end_byte, b"," + style.newline + indent + name.encode())
    return Edit(last.end_byte, last.end_byte, f", {name}".encode())


def _new_imports(
    module: Module, style: Style, fresh: dict[str, list[str]], defaults: list[tuple[str, str]]
) -> Edit:
    quote, semi = file_style(module)
    lines = [
        f"import {name} from {quote}{spec}{quote}{semi}".encode() for name, spec in defaults
    ] + [
        f"import {{ {', '.join(names)} }} from {quote}{spec}{quote}{semi}".encode()
        for spec, names in fresh.items()
    ]
    block = style.newline.join(lines)
    imports = [s for s in module.root.named_children if s.type == "import_statement"]
    if imports:
        end = imports[-1].end_byte
        return Edit(end, end, style.newline + block)
    if module.directive is not None:
        end = module.directive.end_byte
        return Edit(end, end, style.newline + style.newline + block)
    first = next((c for c in module.root.named_children if c.type != "comment"), None)
    start = first.start_byte if first is not None else len(module.content)
    return Edit(start, start, block + style.newline + style.newline)


def bound_by(module: Module, name: str) -> Node | None:
    """The `{ name }` specifier (no alias) of a value import that binds `name`."""
    for stmt in module.root.named_children:
        if stmt.type != "import_statement" or any(c.type == "type" for c in stmt.children):
            continue
        for node in walk(stmt):
            if (
                node.type == "import_specifier"
                and node.child_by_field_name("alias") is None
                and text(node.child_by_field_name("name")) == name
            ):
                return node
    return None


def remove_specifier(module: Module, spec: Node) -> Edit:
    """The edit that takes one name out of its import (the whole import when it is the last)."""
    named = spec.parent
    assert named is not None and named.parent is not None and named.parent.parent is not None
    specs = [c for c in named.named_children if c.type == "import_specifier"]
    index = specs.index(spec)
    if len(specs) > 1:
        if index < len(specs) - 1:
            return Edit(spec.start_byte, specs[index + 1].start_byte, b"")
        return Edit(specs[index - 1].end_byte, spec.end_byte, b"")
    clause, statement = named.parent, named.parent.parent
    default = next((c for c in clause.named_children if c.type == "identifier"), None)
    if default is not None:
        return Edit(default.end_byte, named.end_byte, b"")  # `import x, { name }` -> `import x`
    end = statement.end_byte
    for newline in (b"\r\n", b"\n"):
        if module.content.startswith(newline, end):
            end += len(newline)
            break
    return Edit(statement.start_byte, end, b"")
