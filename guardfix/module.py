"""One parsed file and the names it declares, imports and exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node, Tree

from guardfix.syntax import first_statement, is_directive, string_value, text, unwrap


@dataclass(frozen=True)
class Import:
    specifier: str  # the module string, e.g. "@/lib/session"
    name: str  # the imported name; "default" or "*" for default and namespace imports


@dataclass(frozen=True)
class ReExport:
    specifier: str
    name: str  # exported name, or "*" for `export * from`
    imported: str  # name in the other module


@dataclass
class Module:
    path: str
    content: bytes
    tree: Tree
    directive: Node | None = None  # the file-level "use server" statement
    imports: dict[str, Import] = field(default_factory=dict)
    # Top-level functions and variable declarators by local name.
    definitions: dict[str, Node] = field(default_factory=dict)
    # Exported name -> local name (a key of `definitions`) or the exported node itself.
    exports: dict[str, str | Node] = field(default_factory=dict)
    reexports: list[ReExport] = field(default_factory=list)

    @property
    def root(self) -> Node:
        return self.tree.root_node


def build_module(path: str, content: bytes, tree: Tree) -> Module:
    module = Module(path=path, content=content, tree=tree)
    root = tree.root_node
    first = first_statement(root)
    if first is not None and is_directive(first, "use server"):
        module.directive = first
    for stmt in root.named_children:
        if stmt.type == "import_statement":
            _read_import(module, stmt)
        elif stmt.type == "export_statement":
            _read_export(module, stmt)
        else:
            _read_definition(module, stmt)
    return module


def _read_definition(module: Module, stmt: Node) -> list[str]:
    names: list[str] = []
    if stmt.type in ("function_declaration", "generator_function_declaration"):
        name = stmt.child_by_field_name("name")
        if name is not None:
            module.definitions[text(name)] = stmt
            names.append(text(name))
    elif stmt.type in ("lexical_declaration", "variable_declaration"):
        for decl in stmt.named_children:
            if decl.type != "variable_declarator":
                continue
            name = decl.child_by_field_name("name")
            if name is None:
                continue
            if name.type == "identifier":
                module.definitions[text(name)] = decl
                names.append(text(name))
            elif name.type == "object_pattern":
                # `export const { auth, signIn } = NextAuth(...)`: names bound from a call.
                for prop in name.named_children:
                    local = _pattern_local(prop)
                    if local is not None:
                        module.definitions[local] = decl
                        names.append(local)
    return names


def _pattern_local(prop: Node) -> str | None:
    if prop.type == "shorthand_property_identifier_pattern":
        return text(prop)
    if prop.type == "pair_pattern":
        value = prop.child_by_field_name("value")
        if value is not None and value.type == "identifier":
            return text(value)
    return None


def _read_import(module: Module, stmt: Node) -> None:
    source = string_value(stmt.child_by_field_name("source"))
    if source is None:
        return
    for clause in stmt.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                module.imports[text(part)] = Import(source, "default")
            elif part.type == "namespace_import":
                ident = next((c for c in part.named_children if c.type == "identifier"), None)
                if ident is not None:
                    module.imports[text(ident)] = Import(source, "*")
            elif part.type == "named_imports":
                for spec in part.named_children:
                    names = _specifier(spec) if spec.type == "import_specifier" else None
                    if names is not None:
                        module.imports[names[1]] = Import(source, names[0])


def _specifier(spec: Node) -> tuple[str, str] | None:
    """`a as b` in an import or export list: ("a", "b"); names may be strings."""
    name = spec.child_by_field_name("name")
    if name is None:
        return None
    alias = spec.child_by_field_name("alias")
    original = string_value(name) or text(name)
    return original, (string_value(alias) or text(alias)) if alias is not None else original


def _read_export(module: Module, stmt: Node) -> None:
    source = string_value(stmt.child_by_field_name("source"))
    declaration = stmt.child_by_field_name("declaration")
    value = stmt.child_by_field_name("value")
    is_default = any(c.type == "default" for c in stmt.children)
    if declaration is not None:
        names = _read_definition(module, declaration)
        if is_default and names:
            module.exports["default"] = names[0]
        elif is_default:
            module.exports["default"] = declaration
        for name in names:
            if not is_default:
                module.exports[name] = name
        return
    if is_default and value is not None:
        inner = unwrap(value)
        if inner is not None and inner.type == "identifier":
            module.exports["default"] = text(inner)
        else:
            module.exports["default"] = value
        return
    clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
    if clause is not None:
        for spec in clause.named_children:
            pair = _specifier(spec) if spec.type == "export_specifier" else None
            if pair is None:
                continue
            local, exported = pair
            if source is not None:
                module.reexports.append(ReExport(source, exported, local))
            else:
                module.exports[exported] = local
        return
    # `export * from "./x"` (not `export * as ns from`, which we do not follow).
    if source is not None and not any(c.type == "namespace_export" for c in stmt.named_children):
        module.reexports.append(ReExport(source, "*", "*"))
