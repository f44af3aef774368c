"""Small helpers over tree-sitter nodes; everything stays in bytes."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "arrow_function",
        "generator_function_declaration",
        "method_definition",
    }
)
# Operators comparing two values: `a === b`, `a != b`.
EQUALITY = frozenset({"===", "==", "!==", "!="})
# Wrappers that do not change a value: (x), x!, x as T, x satisfies T, <T>x.
TRANSPARENT_TYPES = frozenset(
    {
        "parenthesized_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "type_assertion",
    }
)
# The same and `await x`: the value a promise settles to, as the walks follow it.
TRANSPARENT_OR_AWAIT_TYPES = TRANSPARENT_TYPES | {"await_expression"}
# The wrappers looked through from a call up to what keeps its result (`const p = f()!`).
RESULT_WRAPPER_TYPES = TRANSPARENT_TYPES - {"type_assertion"}
# The wrappers looked through from a call up to the condition testing it (`if (!(f()))`).
CONDITION_WRAPPER_TYPES = RESULT_WRAPPER_TYPES - {"satisfies_expression"}
# The wrappers looked through from a function up to the declaration naming it.
FUNCTION_WRAPPER_TYPES = RESULT_WRAPPER_TYPES - {"non_null_expression"}


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses, `!`, `as`, `satisfies` and `<T>`."""
    return _strip(node, TRANSPARENT_TYPES)


def unwrap_await(node: Node | None) -> Node | None:
    """Strip what `unwrap` strips and `await`."""
    return _strip(node, TRANSPARENT_OR_AWAIT_TYPES)


def _strip(node: Node | None, wrappers: frozenset[str]) -> Node | None:
    while node is not None and node.type in wrappers:
        node = node.named_children[0] if node.named_children else None
    return node


def string_value(node: Node | None) -> str | None:
    """The value of a plain string literal (or a template without substitutions)."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return "".join(
            text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence")
        )
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return "".join(text(c) for c in node.named_children)
    return None


def is_directive(node: Node, value: str) -> bool:
    """An expression statement holding exactly the string `value`."""
    if node.type != "expression_statement" or not node.named_children:
        return False
    expr = node.named_children[0]
    return expr.type == "string" and string_value(expr) == value


def first_statement(block: Node) -> Node | None:
    """The first statement of a program or block, skipping comments."""
    for child in block.named_children:
        if child.type in ("comment", "hash_bang_line"):
            continue
        return child
    return None


def declared_value(node: Node) -> Node | None:
    """The value of `const name = value` (unwrapped); None for destructuring or no value."""
    if node.type != "variable_declarator":
        return None
    name = node.child_by_field_name("name")
    if name is None or name.type != "identifier":
        return None
    return unwrap(node.child_by_field_name("value"))


def defined_function(definition: Node) -> Node | None:
    """The function a definition holds: `function f() {}` or `const f = () => {}`."""
    if definition.type in FUNCTION_TYPES:
        return definition
    value = declared_value(definition)
    return value if value is not None and value.type in FUNCTION_TYPES else None


def binding(node: Node) -> tuple[Node | None, Node | None] | None:
    """(target, value) of `const x = v` or `x = v`; None for any other node."""
    if node.type == "variable_declarator":
        return node.child_by_field_name("name"), node.child_by_field_name("value")
    if node.type == "assignment_expression":
        return node.child_by_field_name("left"), node.child_by_field_name("right")
    return None


def function_body(fn: Node) -> Node | None:
    return fn.child_by_field_name("body")


def is_async(fn: Node) -> bool:
    return any(c.type == "async" for c in fn.children)


def member_parts(node: Node | None) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None when the chain has a call or computed part."""
    node = unwrap_await(node)
    if node is None:
        return None
    if node.type in ("identifier", "this"):
        return [text(node)]
    if node.type == "member_expression":
        obj = member_parts(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            return None
        return [*obj, text(prop)]
    return None


def is_optional_member(node: Node) -> bool:
    """`a?.b`: the member access itself is optional."""
    return any(c.type == "optional_chain" for c in node.children)


def callee_of(call: Node) -> Node | None:
    """What a call calls; `await getIronSession<T>(...)` parses as a call of `await f`."""
    return unwrap_await(call.child_by_field_name("function"))


def callee_name(call: Node) -> str | None:
    """The last name of a call's callee: `c` for `a.b.c()`, `f` for `f()`."""
    fn = callee_of(call)
    if fn is None:
        return None
    if fn.type == "identifier":
        return text(fn)
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return text(prop) if prop is not None else None
    return None


def call_arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def walk(node: Node) -> Iterator[Node]:
    """All named descendants in source order, the node itself first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def pattern_names(pattern: Node) -> list[str]:
    """The names a binding pattern binds, in source order: `x` of `const x`, `a` and `b` of
    `{ a, b: [b] }`; every identifier in it counts, a default's `d` in `{ a = d }` too."""
    return [
        text(n)
        for n in walk(pattern)
        if n.type in ("identifier", "shorthand_property_identifier_pattern")
    ]


def object_property(obj: Node | None, key: str) -> Node | None:
    """The value of `key` in an object literal (or the shorthand identifier)."""
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return None
    for child in obj.named_children:
        if child.type == "pair":
            k = child.child_by_field_name("key")
            if k is not None and (text(k) == key or string_value(k) == key):
                return child.child_by_field_name("value")
        elif child.type == "shorthand_property_identifier" and text(child) == key:
            return child
    return None


def param_patterns(fn: Node) -> list[Node | None]:
    """The pattern each parameter binds: a name, or `{ parsedInput, ctx }`; None for a
    parameter without one."""
    params = fn.child_by_field_name("parameters")
    if params is None:
        single = fn.child_by_field_name("parameter")
        return [single] if single is not None else []
    return [
        param.child_by_field_name("pattern")
        if param.type in ("required_parameter", "optional_parameter")
        else param
        for param in params.named_children
    ]


def param_names(fn: Node) -> list[str | None]:
    """Each parameter's name; None for destructured ones."""
    return [
        text(pattern) if pattern is not None and pattern.type == "identifier" else None
        for pattern in param_patterns(fn)
    ]
