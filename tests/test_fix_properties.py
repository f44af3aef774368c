"""Property tests of the fix pipeline: random server-action files through check and --apply.

Each example builds a small Next.js project in a fresh temp folder (Auth.js v5, Prisma 5 with
an owned `Post` model, a Drizzle `posts` table that references `users`) around one generated
file of one to three actions, then checks that the rewrite:

1. raises nothing (check, rewrite, and the real `--apply` with its diff);
2. leaves out no fix, parses, and still compiles as far as a syntax tree can tell: no `await`
   in a function that is not async, no name declared twice in a block, no name read that
   nothing declares;
3. is the original with the applied fixes' edits spliced in and nothing else changed: the BOM
   stays first, a CRLF file gets no bare LF, the inserted lines indent as the file does;
4. is a fixed point: a second `--apply` changes nothing, and the fixed findings are gone
   without new ones on the same action.

A second search breaks random fixes and checks that `rewrite` leaves out the fixes that need
them, and a third checks `apply_edits` against a naive splice.

`GUARDFIX_FUZZ_EXAMPLES=5000 pytest tests/test_fix_properties.py` runs a longer search (the
default, 200, takes about 15 seconds).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from tree_sitter import Node

from guardfix.cli import main
from guardfix.config import Config
from guardfix.edits import OverlappingEdits, apply_edits, style_of
from guardfix.engine import check
from guardfix.model import Applicability, Edit, Finding, Fix, Position, Report, Rewrite, Severity
from guardfix.parse import parse
from guardfix.rewrite import rewrite
from guardfix.select import every_file

EXAMPLES = int(os.environ.get("GUARDFIX_FUZZ_EXAMPLES", "200"))
BOM = b"\xef\xbb\xbf"
SAFE = frozenset({Applicability.SAFE})
# Rules whose fix must leave no finding of its kind on the action.
FIXED_RULES = ("GF001", "GF002", "GF003", "GF004")

# -- the project around the generated file ---------------------------------------------

PROJECT: dict[str, str] = {
    "package.json": (
        '{"name": "app", "dependencies": {"next": "15.0.0", "next-auth": "5.0.0-beta.25",'
        ' "@prisma/client": "^5.22.0", "drizzle-orm": "^0.36.0"}}\n'
    ),
    "auth.ts": (
        'import NextAuth from "next-auth";\n\nexport const { auth } = NextAuth({ adapter: PrismaAdapter(prisma), providers: [] });\n'
    ),
    "lib/prisma.ts": (
        'import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n'
    ),
    "db/index.ts": (
        'import { drizzle } from "drizzle-orm/node-postgres";\n\n'
        "export const db = drizzle(process.env.DATABASE_URL!);\n"
    ),
    "db/schema.ts": """import { pgTable, text } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: text("id").primaryKey(),
});

export const posts = pgTable("posts", {
  id: text("id").primaryKey(),
  title: text("title").notNull(),
  authorId: text("author_id")
    .notNull()
    .references(() => users.id),
});
""",
    "prisma/schema.prisma": """generator client {
  provider = "prisma-client-js"
}

model User {
  id    String @id @default(cuid())
  posts Post[]
}

model Post {
  id       String @id @default(cuid())
  title    String
  authorId String
  author   User   @relation(fields: [authorId], references: [id])
}
""",
}
TSCONFIG = '{"compilerOptions": {"strict": true, "paths": {"@/*": ["./*"]}}}\n'

# -- the generated file ------------------------------------------------------------------

SERVER_FORMS = ("function", "arrow", "expression", "default")
PAGE_FORMS = ("inline", "inline-sync", "inline-arrow", "jsx")
GUARDS = ("none", "lookup", "full")
MUTATIONS = ("delete", "update", "deleteMany", "drizzle", "create")
LAYOUTS = ("single", "multi", "multi-deep", "multi-deep-comma")
NON_ASCII = (
    "// Beiträge löschen — nur für Eigentümer ✓",
    "// 投稿を削除する 🗑️",
    "/* Ελληνικά, русский, עברית */",
    "/** Löscht den Beitrag — 削除 */",  # as a JSDoc block above the action
)
MODULES = {  # imported name -> (file it comes from, alias specifier)
    "prisma": ("lib/prisma", "@/lib/prisma"),
    "db": ("db/index", "@/db"),
    "posts": ("db/schema", "@/db/schema"),
    "eq": ("", "drizzle-orm"),
    "and": ("", "drizzle-orm"),
    "auth": ("auth", "@/auth"),
}


@dataclass(frozen=True)
class ActionSpec:
    form: str
    guard: str
    mutation: str
    layout: str
    note: str | None  # a non-ASCII comment or string just before the action
    then: str | None = None  # a second write after the first (its id read inline)
    # A block body on one line; an expression body on the arrow's line, or in parentheses.
    compact: bool = False
    on_brace: bool = False  # a `//` note on the line of the body's `{`, not above the action


@dataclass(frozen=True)
class FileSpec:
    page: bool  # inline actions in a page component (app/page.tsx), else app/actions.ts
    actions: tuple[ActionSpec, ...]
    indent: str  # "  ", "    " or "\t"
    crlf: bool
    bom: bool
    header: str | None  # a non-ASCII comment before everything
    imports: frozenset[str]  # names imported at the top (when used)
    alias: bool  # imports through the tsconfig `@/` alias
    quote: str
    semi: bool
    prisma: str = "^5.22.0"  # before 5, owner filters need the *Many form and its count
    split_imports: bool = False  # `import {\n  eq,\n} from ...`, one name a line
    final_newline: bool = True

    @property
    def path(self) -> str:
        return "app/page.tsx" if self.page else "app/actions.ts"


@st.composite
def action_specs(draw: st.DrawFn, page: bool) -> ActionSpec:
    form = draw(st.sampled_from(PAGE_FORMS if page else SERVER_FORMS))
    # An expression body has no room for statements (a sync function's lookup is unawaited).
    guard = "none" if form == "expression" else draw(st.sampled_from(GUARDS))
    return ActionSpec(
        form,
        guard,
        draw(st.sampled_from(MUTATIONS)),
        draw(st.sampled_from(LAYOUTS)),
        draw(st.none() | st.sampled_from(NON_ASCII)),
        None if form == "expression" else draw(st.none() | st.sampled_from(MUTATIONS)),
        draw(st.booleans()),
        draw(st.booleans()),
    )


@st.composite
def file_specs(draw: st.DrawFn) -> FileSpec:
    page = draw(st.booleans())
    actions = draw(st.lists(action_specs(page), min_size=1, max_size=3))
    # One default export and one nameless JSX action at most.
    for once in ("default", "jsx"):
        seen = False
        for i, action in enumerate(actions):
            if action.form == once:
                if seen:
                    actions[i] = replace(action, form="function" if once == "default" else "inline")
                seen = True
    return FileSpec(
        page=page,
        actions=tuple(actions),
        indent=draw(st.sampled_from(("  ", "    ", "\t"))),
        crlf=draw(st.booleans()),
        bom=draw(st.booleans()),
        header=draw(st.none() | st.sampled_from(NON_ASCII)),
        imports=draw(st.sets(st.sampled_from(sorted(MODULES))).map(frozenset)),
        alias=draw(st.booleans()),
        quote=draw(st.sampled_from(('"', "'"))),
        semi=draw(st.booleans()),
        prisma=draw(st.sampled_from(("^5.22.0", "^4.16.0"))),
        split_imports=draw(st.booleans()),
        final_newline=draw(st.booleans()),
    )


Lines = list[tuple[int, str]]  # (indentation level, code)


def _mutation(mutation: str, layout: str, awaited: bool, level: int, inline_id: bool) -> Lines:
    """The statements that read the input and write (at `level`)."""
    aw = "await " if awaited else ""
    out: Lines = []
    id_expr = 'String(formData.get("id"))'
    if inline_id:
        key = f"id: {id_expr}"
    elif mutation == "create":
        key = ""
    else:
        out.append((level, 'const id = formData.get("id") as string;'))
        key = "id"
    if mutation == "update" and not inline_id:
        out.append((level, 'const title = String(formData.get("title"));'))
    title = "title" if mutation == "update" and not inline_id else 'title: "Grüße"'
    if mutation == "drizzle":
        cond = f"eq(posts.id, {id_expr if inline_id else 'id'})"
        if layout == "multi-deep-comma":
            cond = f'and({cond}, eq(posts.title, "Grüße"))'
        if layout == "single":
            return [*out, (level, f"{aw}db.delete(posts).where({cond});")]
        return [
            *out,
            (level, f"{aw}db"),
            (level + 1, ".delete(posts)"),
            (level + 1, f".where({cond});"),
        ]
    if mutation == "create":
        author = 'authorId: String(formData.get("authorId"))'
        if layout == "single":
            return [
                *out,
                (level, f"{aw}prisma.post.create({{ data: {{ {title}, {author} }} }});"),
            ]
        comma = "," if layout != "multi-deep" else ""
        return [
            *out,
            (level, f"{aw}prisma.post.create({{"),
            (level + 1, "data: {"),
            (level + 2, f"{title},"),
            (level + 2, author + comma),
            (level + 1, "},"),
            (level, "});"),
        ]
    data = f", data: {{ {title} }}" if mutation == "update" else ""
    call = f"prisma.post.{mutation}"
    if layout == "single":
        return [*out, (level, f"{aw}{call}({{ where: {{ {key} }}{data} }});")]
    if layout == "multi":
        lines: Lines = [(level, f"{aw}{call}({{"), (level + 1, f"where: {{ {key} }},")]
    else:
        comma = "," if layout == "multi-deep-comma" else ""
        lines = [
            (level, f"{aw}{call}({{"),
            (level + 1, "where: {"),
            (level + 2, key + comma),
            (level + 1, "},"),
        ]
    if data:
        lines.append((level + 1, f"data: {{ {title} }},"))
    return [*out, *lines, (level, "});")]


def _guard(spec: ActionSpec, awaited: bool, level: int) -> Lines:
    if spec.guard == "none":
        return []
    call = "await auth()" if awaited else "auth()"
    lines = [(level, f"const session = {call};")]
    if spec.guard == "full":
        lines.append((level, 'if (!session?.user?.id) throw new Error("Unauthorized");'))
    return lines


def _body(spec: ActionSpec, level: int, awaited: bool, directive: bool) -> Lines:
    lines: Lines = [(level, '"use server";')] if directive else []
    if spec.note is not None and spec.note.startswith("/* "):
        lines.append((level, spec.note))
    lines += _guard(spec, awaited, level)
    lines += _mutation(spec.mutation, spec.layout, awaited, level, False)
    if spec.then is not None:
        lines += _mutation(spec.then, "single", awaited, level, True)
    return lines


def _on_brace(spec: ActionSpec) -> bool:
    note = spec.note or ""
    return spec.on_brace and note.startswith("//") and not spec.compact


def _block(spec: ActionSpec, level: int, head: str, body: Lines, close: str) -> Lines:
    """`head {`, the body, `close` (`}` or `};`): on lines of their own, or on one line."""
    if spec.compact:
        return [(level, " ".join([head, *(code for _, code in body), close]))]
    if _on_brace(spec):
        head = f"{head} {spec.note}"
    return [(level, head), *body, (level, close)]


def _note(spec: ActionSpec, level: int, index: int, page: bool) -> Lines:
    if spec.note is None or (spec.form != "expression" and _on_brace(spec)):
        return []
    if spec.note.startswith("//"):
        return [(level, spec.note)]
    if spec.note.startswith("/**"):
        return [(level, "/**"), (level, f" * {spec.note[4:-3]}"), (level, " */")]
    if page:
        return []  # a block comment goes inside the action (see _body)
    return [(level, f'const label{index} = "{spec.note[3:-3]}";'), (0, "")]


def _server_action(spec: ActionSpec, index: int) -> Lines:
    name = f"{spec.mutation}Post{index}"
    head = _note(spec, 0, index, False)
    if spec.form == "expression":
        (_, first), *rest = _mutation(spec.mutation, spec.layout, False, 1, True)
        arrow = f"export const {name} = async (formData: FormData) =>"
        if not spec.compact:
            return [*head, (0, arrow), (1, first), *rest]
        if spec.layout == "single":
            return [*head, (0, f"{arrow} {first}")]
        # `=> (` with the call inside, `);` after it.
        inner = [(level + 1, code.removesuffix(";")) for level, code in [(0, first), *rest]]
        return [*head, (0, f"{arrow} ("), *inner, (0, ");")]
    body = _body(spec, 1, True, False)
    if spec.form == "arrow":
        arrow = f"export const {name} = async (formData: FormData) => {{"
        return [*head, *_block(spec, 0, arrow, body, "};")]
    export = "export default async" if spec.form == "default" else "export async"
    return [*head, *_block(spec, 0, f"{export} function {name}(formData: FormData) {{", body, "}")]


def _page_action(spec: ActionSpec, index: int) -> tuple[Lines, str]:
    """The action inside the component (at level 1), and what `action={...}` says."""
    name = f"{spec.mutation}Post{index}"
    head = _note(spec, 1, index, True)
    sync = spec.form == "inline-sync"
    body = _body(spec, 2, not sync, True)
    if spec.form == "jsx":
        return head, ""
    if spec.form == "inline-arrow":
        lines = _block(spec, 1, f"const {name} = async (formData: FormData) => {{", body, "};")
    else:
        keyword = "function" if sync else "async function"
        lines = _block(spec, 1, f"{keyword} {name}(formData: FormData) {{", body, "}")
    return [*head, *lines, (0, "")], name


def _imports(spec: FileSpec, used: set[str]) -> Lines:
    names = sorted(used & spec.imports)
    by_module: dict[str, list[str]] = {}
    for name in names:
        file, alias = MODULES[name]
        specifier = alias if spec.alias or not file else "../" + file.removesuffix("/index")
        by_module.setdefault(specifier, []).append(name)
    semi = ";" if spec.semi else ""
    q = spec.quote
    lines: Lines = []
    for module, ns in by_module.items():
        end = f"from {q}{module}{q}{semi}"
        if spec.split_imports:
            lines += [(0, "import {"), *((1, f"{n},") for n in ns), (0, f"}} {end}")]
        else:
            lines.append((0, f"import {{ {', '.join(ns)} }} {end}"))
    return lines


def _used(spec: FileSpec) -> set[str]:
    used: set[str] = set()
    for action in spec.actions:
        used |= {"db", "posts", "eq"} if action.mutation == "drizzle" else {"prisma"}
        if action.mutation == "drizzle" and action.layout == "multi-deep-comma":
            used.add("and")
        if action.then is not None:
            used |= {"db", "posts", "eq"} if action.then == "drizzle" else {"prisma"}
        if action.guard != "none":
            used.add("auth")
    return used


def render(spec: FileSpec) -> bytes:
    lines: Lines = []
    if spec.header is not None:
        lines.append((0, spec.header))
    semi = ";" if spec.semi else ""
    if not spec.page:
        lines.append((0, f"{spec.quote}use server{spec.quote}{semi}"))
    imports = _imports(spec, _used(spec))
    lines += imports
    if imports or not spec.page:
        lines.append((0, ""))
    if spec.page:
        component: Lines = []
        targets: list[tuple[ActionSpec, str]] = []
        for index, action in enumerate(spec.actions, 1):
            code, target = _page_action(action, index)
            component.extend(code)
            targets.append((action, target))
        jsx: Lines = [(1, "return (")]
        jsx.append((2, "<main>"))
        for action, target in targets:
            if action.form == "jsx":
                jsx.append((3, "<form"))
                body = [(level + 3, code) for level, code in _body(action, 2, True, True)]
                jsx += _block(action, 4, "action={async (formData: FormData) => {", body, "}}")
                jsx.append((3, ">"))
            else:
                jsx.append((3, f"<form action={{{target}}}>"))
            jsx.append((4, "<button>Go</button>"))
            jsx.append((3, "</form>"))
        jsx += [(2, "</main>"), (1, ");")]
        lines += [(0, "export default function Page() {"), *component, *jsx, (0, "}")]
    else:
        for index, action in enumerate(spec.actions, 1):
            if index > 1:
                lines.append((0, ""))
            lines.extend(_server_action(action, index))
    text = "\n".join(spec.indent * level + code if code else "" for level, code in lines)
    text += "\n" if spec.final_newline else ""
    data = text.encode("utf-8")
    if spec.crlf:
        data = data.replace(b"\n", b"\r\n")
    return (BOM if spec.bom else b"") + data


# -- running the pipeline ----------------------------------------------------------------


@contextlib.contextmanager
def project_with(
    files: dict[str, bytes], prisma: str = "^5.22.0", alias: bool = False
) -> Iterator[Path]:
    """A fresh project folder holding PROJECT and `files`."""
    with tempfile.TemporaryDirectory(prefix="guardfix-fuzz-") as tmp:
        root = Path(tmp)
        tree: dict[str, str | bytes] = dict(PROJECT)
        tree["package.json"] = PROJECT["package.json"].replace("^5.22.0", prisma)
        if alias:
            tree["tsconfig.json"] = TSCONFIG
        tree.update(files)
        for rel, data in tree.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        yield root


def run_check(root: Path) -> tuple[Report, list[Rewrite]]:
    """What `guardfix --all` sees, and the rewrite of each file with fixes."""
    report = check(every_file(root, None), Config())
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        if finding.fix is not None:
            by_path.setdefault(finding.path, []).append(finding)
    rewrites = [
        rewrite(path, report.contents[path], found, SAFE) for path, found in by_path.items()
    ]
    return report, rewrites


def run_apply(root: Path) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--apply", "--all", str(root)])
    return code, out.getvalue()


def error_count(node: Node) -> int:
    if not node.has_error:
        return 0
    if node.is_error or node.is_missing:
        return 1
    return sum(error_count(child) for child in node.children)


FUNCTIONS = ("function_declaration", "function_expression", "arrow_function", "method_definition")


def sync_awaits(path: str, content: bytes) -> list[str]:
    """Each `await` whose nearest enclosing function is not async."""
    found: list[str] = []
    stack = [parse(path, content).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "await_expression":
            continue
        fn = node.parent
        while fn is not None and fn.type not in FUNCTIONS:
            fn = fn.parent
        if fn is not None and not any(c.type == "async" for c in fn.children):
            found.append(f"line {node.start_point[0] + 1}: {node.text!r}")
    return found


def _bound(pattern: Node) -> list[str]:
    """The names a binding pattern binds (`b` of `{ a: b }`, not `a`)."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [pattern.text.decode()] if pattern.text else []
    if pattern.type in ("type_annotation", "property_identifier"):
        return []
    return [name for child in pattern.named_children for name in _bound(child)]


def redeclared(path: str, content: bytes) -> list[str]:
    """`const`/`let`/function names declared twice in one block (or beside a parameter)."""
    found: list[str] = []
    stack = [parse(path, content).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type not in ("program", "statement_block"):
            continue
        names: list[str] = []
        parent = node.parent
        params = parent.child_by_field_name("parameters") if parent is not None else None
        if parent is not None and parent.type in FUNCTIONS and params is not None:
            for param in params.named_children:
                pattern = param.child_by_field_name("pattern")
                names += _bound(pattern) if pattern is not None else []
        for child in node.named_children:
            decl = child.child_by_field_name("declaration") or child
            if decl.type == "lexical_declaration":
                for declarator in decl.named_children:
                    pattern = declarator.child_by_field_name("name")
                    names += _bound(pattern) if pattern is not None else []
            elif decl.type in ("function_declaration", "class_declaration"):
                name = decl.child_by_field_name("name")
                names += [name.text.decode()] if name is not None and name.text else []
        twice = sorted({n for n in names if names.count(n) > 1})
        found += [f"line {node.start_point[0] + 1}: {n}" for n in twice]
    return found


SCOPES = frozenset({"program", "statement_block", "catch_clause", "for_statement", *FUNCTIONS})
JSX_NAMES = frozenset({"jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element"})
GLOBALS = frozenset(
    {"Error", "TypeError", "String", "Number", "Boolean", "Object", "Array", "JSON", "Promise"}
    | {"undefined", "console", "process", "Date", "Math", "URL", "Response", "globalThis"}
)


def free_names(path: str, content: bytes) -> set[str]:
    """Names read and declared nowhere around the read: globals, and names nobody declares."""
    root = parse(path, content).root_node
    bound: dict[int, set[str]] = {}
    binders: set[int] = set()

    def scope_of(node: Node) -> Node:
        up = node.parent
        while up is not None and up.type not in SCOPES:
            up = up.parent
        return up or root

    def bind(scope: Node, pattern: Node | None) -> None:
        if pattern is None:
            return
        if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
            binders.add(pattern.id)
            bound.setdefault(scope.id, set()).add(pattern.text.decode() if pattern.text else "")
        elif pattern.type not in ("type_annotation", "property_identifier"):
            for child in pattern.named_children:
                bind(scope, child)

    nodes = [root]
    for node in nodes:
        nodes.extend(node.children)
        if node.type in ("variable_declarator", "function_declaration", "class_declaration"):
            bind(scope_of(node), node.child_by_field_name("name"))
        elif node.type in ("import_specifier", "namespace_import", "import_clause"):
            name = node.child_by_field_name("alias") or node.child_by_field_name("name")
            if node.type != "import_specifier":
                name = next((c for c in node.named_children if c.type == "identifier"), None)
            bind(root, name)
        elif node.type == "catch_clause":
            bind(node, node.child_by_field_name("parameter"))
        if node.type in FUNCTIONS:
            if node.type == "function_expression":
                bind(node, node.child_by_field_name("name"))
            bind(node, node.child_by_field_name("parameter"))
            for param in (node.child_by_field_name("parameters") or root).named_children:
                if param.type in ("required_parameter", "optional_parameter"):
                    bind(node, param.child_by_field_name("pattern"))
    free: set[str] = set()
    for node in nodes:
        if node.type not in ("identifier", "shorthand_property_identifier") or node.id in binders:
            continue
        if node.parent is not None and node.parent.type in JSX_NAMES:
            continue  # `<form>`: a tag, not a variable
        word = node.text.decode() if node.text else ""
        scope: Node | None = node
        while scope is not None and word not in bound.get(scope.id, ()):
            scope = scope.parent
        if scope is None:
            free.add(word)
    return free - GLOBALS


def splice(content: bytes, edits: list[Edit]) -> bytes:
    """The reference: each distinct edit spliced in, from the end of the file back."""
    unique = list(dict.fromkeys(edits))
    # Stable order for insertions at one point, then apply back to front.
    ordered = sorted(range(len(unique)), key=lambda i: (unique[i].start, unique[i].end, i))
    out = content
    for i in reversed(ordered):
        edit = unique[i]
        out = out[: edit.start] + edit.text + out[edit.end :]
    return out


def show(findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.rule} {f.action} line {f.start.line}: "
        + (f"fix {f.fix.title!r}" if f.fix else f"no fix: {f.why_no_fix}")
        for f in findings
    )


def check_layout(before: bytes, after: bytes) -> None:
    """The BOM, newlines and indentation of the file, kept by the rewrite."""
    if before.startswith(BOM):
        assert after.startswith(BOM), "the BOM is no longer first"
    assert after.count(BOM) == before.count(BOM), "a BOM added or removed"
    if b"\r\n" in before and before.count(b"\n") == before.count(b"\r\n"):
        assert after.count(b"\n") == after.count(b"\r\n"), "a bare LF in a CRLF file"
    if b"\r" not in before:
        assert b"\r" not in after, "a CR in an LF file"
    # Lines inside a block comment (` * text`) do not show the indentation.
    indents = {m.group(1) for m in re.finditer(rb"^([ \t]+)[^\s*]", before, re.MULTILINE)}
    if not indents:
        return  # nothing shows how the file indents
    tabs = all(set(i) == {ord("\t")} for i in indents)
    unit = min(len(i) for i in indents) if all(set(i) == {ord(" ")} for i in indents) else 0
    for number, line in enumerate(after.removeprefix(BOM).splitlines(), 1):
        indent = line[: len(line) - len(line.lstrip(b" \t"))]
        if not line.strip() or line.lstrip().startswith(b"*"):
            continue
        if tabs:
            assert b" " not in indent, f"line {number} indented with spaces: {line!r}"
        elif unit:
            assert b"\t" not in indent, f"line {number} indented with a tab: {line!r}"
            assert len(indent) % unit == 0, (
                f"line {number} is indented by {len(indent)} in a file that indents by "
                f"{unit}: {line!r}"
            )


def check_fix_runs(root: Path, path: str, original: bytes) -> Report:
    """The properties of `--apply` on `path` (the only file with findings) under `root`."""
    assert error_count(parse(path, original).root_node) == 0, "the original does not parse"
    assert not redeclared(path, original), "the original declares a name twice"

    # 1-3: one run, as `guardfix --all` computes it.
    report, rewrites = run_check(root)
    assert all(rw.path == path for rw in rewrites), [rw.path for rw in rewrites]
    (rw,) = rewrites or [Rewrite(path, original, original, (), ())]
    assert rw.before == original
    assert not rw.skipped, "fixes left out:\n" + "\n".join(
        f"  {f.rule} {f.action}: {why}" for f, why in rw.skipped
    )
    after = rw.after
    if after != original:
        assert error_count(parse(path, after).root_node) == 0, "the rewrite does not parse"
    applied = [edit for finding in rw.fixed if finding.fix for edit in finding.fix.edits]
    assert after == splice(original, applied), "bytes outside the edits changed"
    assert not sync_awaits(path, after), f"await in a sync function: {sync_awaits(path, after)}"
    assert not redeclared(path, after), f"declared twice: {redeclared(path, after)}"
    undeclared = free_names(path, after) - free_names(path, original)
    assert not undeclared, f"the rewrite reads names nobody declares: {sorted(undeclared)}"
    check_layout(original, after)

    # The real `--apply` writes exactly that (and renders its diff without failing).
    code, _ = run_apply(root)
    assert (root / path).read_bytes() == after
    assert code == (1 if rw.fixed or report.findings else 0)

    # 4: a fixed point (what a second `--apply` would write), with the fixed findings gone
    # and none new on their actions.
    again, rewrites2 = run_check(root)
    assert all(not r.fixed for r in rewrites2), "a second --apply changes the file again:\n" + show(
        again.findings
    )
    fixed_actions = {f.action for f in rw.fixed}
    unfixed = {(f.action, f.rule) for f in report.findings if f.fix is None}
    left = [
        f
        for f in again.findings
        if f.action in fixed_actions and f.rule in FIXED_RULES and (f.action, f.rule) not in unfixed
    ]
    assert not left, f"findings left after --apply:\n{show(left)}\nbefore:\n{show(report.findings)}"
    return report


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(file_specs())
def test_apply_is_sound_and_idempotent(spec: FileSpec) -> None:
    content = render(spec)
    with project_with({spec.path: content}, spec.prisma, spec.alias) as root:
        report = check_fix_runs(root, spec.path, content)
    for finding in report.findings:
        event(f"{finding.rule} " + ("fixed" if finding.fix else f"no fix: {finding.why_no_fix}"))


# -- what the search found, minimal ---------------------------------------------------------
# A new failure goes here as its minimal file: as a plain test once fixed, or marked
# `xfail(strict=True, raises=AssertionError, reason=...)` while the fix is someone else's
# (and then kept out of the generator, so that the search still looks for other bugs).


Fixed = list[tuple[str, int, str]]  # (rule, line, fix title) of each finding with a safe fix


def check_source(path: str, source: str, prisma: str = "^5.22.0") -> tuple[Fixed, str]:
    """The properties of `--apply` on `source`; its safe fixes, and the file it wrote."""
    content = source.encode("utf-8")
    with project_with({path: content}, prisma) as root:
        report = check_fix_runs(root, path, content)
        written = (root / path).read_text(encoding="utf-8")
    fixes = [
        (f.rule, f.start.line, f.fix.title)
        for f in report.findings
        if f.fix is not None and f.fix.applicability is Applicability.SAFE
    ]
    return fixes, written


OWNER_FIX = "Limit prisma.post.delete to the caller's rows (`authorId` from prisma/schema.prisma)"
PRESET_FIX = "Check the session at the top of `{}`, with the Auth.js v5 preset"


def test_unawaited_lookup_checked_on_its_user() -> None:
    """Was: the GF004 fix added a second check and no `await`, once more on every run."""
    fixes, written = check_source(
        "app/actions.ts",
        """"use server";

export async function deletePost(formData: FormData) {
  const session = auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}
""",
    )
    assert fixes == [("GF002", 6, OWNER_FIX), ("GF004", 6, "Await the session lookup")]
    assert (
        written
        == """"use server";

export async function deletePost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id: String(formData.get("id")), authorId: session.user.id } });
}
"""
    )


def test_unawaited_lookup_in_a_sync_inline_action() -> None:
    """Was: the GF004 fix awaited the lookup in a function that is not async."""
    fixes, written = check_source(
        "app/page.tsx",
        """export default function Page() {
  function deletePost(formData: FormData) {
    "use server";
    const session = auth();
    prisma.post.delete({ where: { id: String(formData.get("id")) } });
  }
  return <form action={deletePost} />;
}
""",
    )
    assert fixes == [
        ("GF002", 5, OWNER_FIX),
        ("GF004", 5, "Refuse the request when there is no session"),
    ]
    assert (
        written
        == """export default function Page() {
  async function deletePost(formData: FormData) {
    "use server";
    const session = await auth();
    if (!session?.user?.id) {
      throw new Error("Unauthorized");
    }
    prisma.post.delete({ where: { id: String(formData.get("id")), authorId: session.user.id } });
  }
  return <form action={deletePost} />;
}
"""
    )


def test_two_prisma_4_owner_fixes_in_one_action() -> None:
    """Was: both writes became `const result = await ...Many(...)` in one block."""
    fixes, written = check_source(
        "app/actions.ts",
        """"use server";

export async function deletePosts(formData: FormData) {
  await prisma.post.delete({ where: { id: String(formData.get("a")) } });
  await prisma.post.delete({ where: { id: String(formData.get("b")) } });
}
""",
        prisma="^4.16.0",
    )
    assert fixes == [
        ("GF001", 4, PRESET_FIX.format("deletePosts")),
        ("GF002", 4, OWNER_FIX),
        ("GF002", 5, OWNER_FIX),
    ]
    assert (
        written
        == """"use server";

import { auth } from "../auth";

export async function deletePosts(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  const result = await prisma.post.deleteMany({ where: { id: String(formData.get("a")), authorId: session.user.id } });
  if (result.count === 0) {
    throw new Error("Not found or forbidden");
  }
  const deleted = await prisma.post.deleteMany({ where: { id: String(formData.get("b")), authorId: session.user.id } });
  if (deleted.count === 0) {
    throw new Error("Not found or forbidden");
  }
}
"""
    )


def test_guard_idiom_learned_from_a_one_line_action() -> None:
    """Was: the copied guard began with the line's `export async function ... {`, the GF001
    fix did not parse and was dropped, and the GF002 fix read the `session` it declares."""
    guarded = (
        "export async function updatePost(formData: FormData) {"
        ' const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized");'
        ' await prisma.post.update({ where: { id: String(formData.get("id")), authorId: session.user.id }, data: { title: "x" } }); }\n'
    )
    fixes, written = check_source(
        "app/actions.ts",
        """"use server";
import { auth } from "../auth";

export async function deletePost(formData: FormData) {
  await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}

"""
        + guarded,
    )
    assert fixes == [
        (
            "GF001",
            5,
            "Check the session at the top of `deletePost`, as 1 guarded action in this project does",
        ),
        ("GF002", 5, OWNER_FIX),
    ]
    assert written == (
        """"use server";
import { auth } from "../auth";

export async function deletePost(formData: FormData) {
  const session = await auth(); if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id: String(formData.get("id")), authorId: session.user.id } });
}

"""
        + guarded
    )


def test_jsdoc_does_not_hide_four_space_indentation() -> None:
    """Was: a JSDoc block's ` * ` lines made the file look indented by one space, so the
    inserted guard used two."""
    fixes, written = check_source(
        "app/actions.ts",
        """"use server";

/**
 * Deletes a post.
 */
export async function deletePost(formData: FormData) {
    await prisma.post.delete({ where: { id: String(formData.get("id")) } });
}
""",
    )
    assert fixes == [("GF001", 7, PRESET_FIX.format("deletePost")), ("GF002", 7, OWNER_FIX)]
    assert (
        written
        == """"use server";

import { auth } from "../auth";

/**
 * Deletes a post.
 */
export async function deletePost(formData: FormData) {
    const session = await auth();
    if (!session?.user?.id) {
        throw new Error("Unauthorized");
    }
    await prisma.post.delete({ where: { id: String(formData.get("id")), authorId: session.user.id } });
}
"""
    )


# -- rewrite: a fix left out takes the fixes that need it along ---------------------------


def broken(finding: Finding) -> Finding:
    """The finding with a fix that no longer parses (but declares what it declared)."""
    fix = finding.fix
    assert fix is not None
    first, *rest = fix.edits
    edits = (Edit(first.start, first.end, first.text + b" {{{ "), *rest)
    return replace(finding, fix=replace(fix, edits=edits))


@settings(
    max_examples=max(EXAMPLES // 4, 25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(file_specs(), st.data())
def test_left_out_fixes_leave_no_dangling_names(spec: FileSpec, data: st.DataObject) -> None:
    """Whichever fixes fail, the rest never read a `session` that only a failed one declared."""
    content = render(spec)
    with project_with({spec.path: content}, spec.prisma, spec.alias) as root:
        report = check(every_file(root, None), Config())
    fixable = [f for f in report.findings if f.fix is not None]
    assume(fixable)
    broken_ones = data.draw(st.sets(st.sampled_from(range(len(fixable))), min_size=1))
    findings = [broken(f) if i in broken_ones else f for i, f in enumerate(fixable)]
    if data.draw(st.booleans()):
        findings.reverse()  # a fix may come before the one it needs
    rw = rewrite(spec.path, content, findings, SAFE)
    applied = [edit for finding in rw.fixed if finding.fix for edit in finding.fix.edits]
    assert rw.after == splice(content, applied)
    assert error_count(parse(spec.path, rw.after).root_node) == 0
    assert {id(f) for f in rw.fixed} | {id(f) for f, _ in rw.skipped} == {id(f) for f in findings}
    assert not {id(f) for f in rw.fixed} & {id(f) for f, _ in rw.skipped}
    undeclared = free_names(spec.path, rw.after) - free_names(spec.path, content)
    assert not undeclared, f"the rewrite reads names nobody declares: {sorted(undeclared)}"


def _finding(
    rule: str,
    start: int,
    edits: tuple[Edit, ...],
    action: str = "deletePost",
    requires: str | None = None,
) -> Finding:
    return Finding(
        rule,
        rule.lower(),
        Severity.ERROR,
        "app/actions.ts",
        Position(1, 1),
        Position(1, 1),
        action,
        "",
        action_lines=(3, 6) if action == "deletePost" else (8, 9),
        span=(start, start),
        fix=Fix(rule, Applicability.SAFE, edits, requires=requires),
    )


DELETE = b"""export async function deletePost(id: string) {
  await prisma.post.delete({ where: { id } });
}
"""
GUARD = Edit(46, 46, b"\n  const session = await auth();\n  if (!session) throw 1;")
OWNER = Edit(87, 87, b", authorId: session.user.id")


@pytest.mark.parametrize("order", [1, -1])
def test_a_fix_that_needs_a_left_out_guard_is_left_out(order: int) -> None:
    guard = _finding("GF001", 46, (Edit(GUARD.start, GUARD.end, GUARD.text + b" {"),))
    owner = _finding("GF002", 87, (OWNER,), requires="GF001")
    other = _finding("GF002", 87, (OWNER,), action="another")  # its own session: not affected
    rw = rewrite("app/actions.ts", DELETE, [guard, owner, other][::order], SAFE)
    assert rw.fixed == (other,)
    reasons = dict((f.rule + str(f.action), why) for f, why in rw.skipped)
    assert reasons == {
        "GF001deletePost": "fix skipped: would not parse",
        "GF002deletePost": "fix skipped: it builds on the GF001 fix, left out",
    }


def test_fixes_that_need_nothing_left_out_still_apply() -> None:
    guard = _finding("GF001", 46, (GUARD,))
    owner = _finding("GF002", 87, (OWNER,), requires="GF001")
    rw = rewrite("app/actions.ts", DELETE, [owner, guard], SAFE)
    assert rw.fixed == (guard, owner)
    assert b"const session" in rw.after
    assert b"authorId: session.user.id" in rw.after


# -- apply_edits against a naive splice --------------------------------------------------


def overlap(a: Edit, b: Edit) -> bool:
    """Two distinct edits claim a common byte, or one inserts strictly inside the other."""
    if a == b or (a.start == a.end and b.start == b.end):
        return False
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return max(a.start, b.start) < min(a.end, b.end)


@st.composite
def contents_and_edits(draw: st.DrawFn) -> tuple[bytes, list[Edit]]:
    content = draw(st.binary(max_size=12))
    point = st.integers(0, len(content))
    edits = draw(
        st.lists(
            st.builds(
                lambda a, b, text: Edit(min(a, b), max(a, b), text),
                point,
                point,
                st.binary(max_size=3),
            ),
            max_size=5,
        )
    )
    # Repeat some edits: identical edits (two fixes adding one import) count once.
    repeats = draw(st.lists(st.sampled_from(edits), max_size=2)) if edits else []
    return content, edits + repeats


@settings(max_examples=max(EXAMPLES, 500), deadline=None)
@given(contents_and_edits())
def test_apply_edits_is_a_splice(case: tuple[bytes, list[Edit]]) -> None:
    content, edits = case
    if any(overlap(a, b) for i, a in enumerate(edits) for b in edits[i + 1 :]):
        with pytest.raises(OverlappingEdits):
            apply_edits(content, edits)
    else:
        assert apply_edits(content, edits) == splice(content, edits)


def test_insertions_at_one_point_keep_their_order() -> None:
    edits = [Edit(1, 1, b"x"), Edit(1, 2, b"R"), Edit(1, 1, b"y"), Edit(2, 2, b"z")]
    assert apply_edits(b"abc", edits) == b"axyRzc"
    assert apply_edits(b"abc", [Edit(1, 1, b"y"), Edit(1, 1, b"x")]) == b"ayxbc"


def test_edits_outside_the_file_raise() -> None:
    with pytest.raises(OverlappingEdits):
        apply_edits(b"abc", [Edit(2, 4, b"")])
    with pytest.raises(OverlappingEdits):
        apply_edits(b"abc", [Edit(2, 1, b"")])


@pytest.mark.parametrize(
    ("source", "indent"),
    [
        (b"f() {\n    a();\n    if (x) {\n        b();\n    }\n}\n", b"    "),
        # A JSDoc block's ` * ` lines are one space in; they say nothing about the code.
        (b"/**\n * Doc.\n */\nf() {\n    a();\n}\n", b"    "),
        (b"/**\r\n * Doc.\r\n */\r\nf() {\r\n\ta();\r\n}\r\n", b"\t"),
        (b"f() {\n  a(\n    b,\n  );\n}\n", b"  "),
        # Template text at odd depths is outvoted by the code around it.
        (b"f() {\n    q(`\n      x\n  y`);\n    if (a) {\n        b();\n    }\n}\n", b"    "),
        (b"f();\n", b"  "),
    ],
)
def test_style_of_finds_the_indentation(source: bytes, indent: bytes) -> None:
    assert style_of(source).indent == indent
    assert style_of(source).newline == (b"\r\n" if b"\r\n" in source else b"\n")
