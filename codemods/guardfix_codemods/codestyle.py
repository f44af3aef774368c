"""Inserted code written as the file writes code: its quotes, with or without semicolons."""

from __future__ import annotations

from guardfix.edits import apply_edits
from guardfix.model import Edit
from guardfix.module import Module
from guardfix.parse import parse
from guardfix.syntax import text

# Statements whose `;` a file without semicolons leaves out (`for (;;)` keeps its own).
ENDS_WITH_SEMICOLON = frozenset(
    {
        "lexical_declaration",
        "variable_declaration",
        "expression_statement",
        "return_statement",
        "throw_statement",
        "import_statement",
        "break_statement",
        "continue_statement",
    }
)


def file_style(module: Module) -> tuple[str, str]:
    """The quote and the statement end the file uses, read from its imports."""
    for stmt in module.root.named_children:
        if stmt.type == "import_statement":
            source = stmt.child_by_field_name("source")
            quote = text(source)[:1] if source is not None else '"'
            return quote, ";" if text(stmt).rstrip().endswith(";") else ""
    directive = module.directive
    if directive is not None:
        return '"', ";" if text(directive).rstrip().endswith(";") else ""
    return '"', ";"


def restyle(code: str, module: Module) -> str:
    """`code` (double quotes, semicolons) in the quotes and statement ends of `module`."""
    quote, semi = file_style(module)
    if quote == '"' and semi:
        return code
    source = code.encode()
    tree = parse("inserted.ts", source)
    edits: list[Edit] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        parent = node.parent
        if not semi and node.type == ";" and parent is not None:
            # Only at the end of a line: `a(); b()` on one line needs it.
            line_end = source[node.end_byte : node.end_byte + 1] in (b"", b"\n")
            if parent.type in ENDS_WITH_SEMICOLON and line_end:
                edits.append(Edit(node.start_byte, node.end_byte, b""))
        elif quote == "'" and node.type == "string":
            literal = text(node)
            if literal.startswith('"') and "'" not in literal and "\\" not in literal:
                edits.append(Edit(node.start_byte, node.end_byte, f"'{literal[1:-1]}'".encode()))
    return apply_edits(source, edits).decode()
