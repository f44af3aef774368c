"""Plain data passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from tree_sitter import Node


@dataclass(frozen=True)
class Position:
    """A place in a file: 1-based line, 1-based column in characters."""

    line: int
    column: int


@dataclass(frozen=True)
class Source:
    """One file as read for this run: path relative to the root, with `/`."""

    path: str
    content: bytes
    # Lines touched by the change (1-based); None means "the whole file".
    changed_lines: frozenset[int] | None = None


class ActionKind(str, Enum):
    FILE_DIRECTIVE = "file-directive"
    INLINE_DIRECTIVE = "inline-directive"
    SAFE_ACTION = "next-safe-action"
    ZSA = "zsa"
    WRAPPER = "wrapper"


@dataclass(frozen=True)
class ServerAction:
    """A function that Next.js exposes as a public POST endpoint."""

    name: str | None
    kind: ActionKind
    function: Node  # the function whose body runs on each call
    node: Node  # the whole construct (export statement, declarator or function)
    # The builder call for library-built actions (the `.action(...)` chain or wrapper call).
    builder: Node | None = None
    # For wrappers: each (wrapper call, argument it wraps) from the outside in.
    layers: tuple[tuple[Node, Node], ...] = ()


class Api(str, Enum):
    """What a mutation writes through: an ORM, a database client or an outside service."""

    PRISMA = "prisma"
    DRIZZLE = "drizzle"
    SUPABASE = "supabase"
    KYSELY = "kysely"
    MONGOOSE = "mongoose"
    SQL = "sql"
    REDIS = "redis"
    FIRESTORE = "firestore"
    FIREBASE_AUTH = "firebase-auth"
    FIREBASE_STORAGE = "firebase-storage"
    SUPABASE_STORAGE = "supabase-storage"
    SUPABASE_ADMIN = "supabase-admin"
    GCS = "gcs"
    S3 = "s3"
    BLOB = "blob"
    FS = "fs"
    UPLOADTHING = "uploadthing"
    CLOUDINARY = "cloudinary"
    APPWRITE = "appwrite"
    STRIPE = "stripe"
    CLERK = "clerk"
    RESEND = "resend"
    EMAIL = "email"
    HTTP = "http"


@dataclass(frozen=True)
class Mutation:
    """A call that changes state: a database write or an outside side effect."""

    node: Node  # the expression reported (the whole query chain for builders)
    api: Api
    operation: str
    label: str  # short text for messages, e.g. "prisma.post.delete"
    via: str | None = None  # helper function name when reached through a call
    # (kind, argument) for the ids a call acts on, e.g. ("customer", <node>) for the
    # customer of a Stripe call: client-controlled, they act on someone else's account.
    subjects: tuple[tuple[str, Node], ...] = ()
    # Reached through a helper: the positions of the helper's arguments that pick the rows
    # its update or delete changes (`removeNote(id)` doing `delete({ where: { id } })`).
    keyed_by: tuple[int, ...] = ()


@dataclass(frozen=True)
class MutationEvent:
    """A mutation as reached by an anonymous caller walking the action."""

    mutation: Mutation
    guarded: bool  # an anonymous caller cannot reach it
    lookup_seen: bool  # a session lookup happened on every path before it
    # Helpers run before it that guardfix could not follow: (the helper, why not followed).
    unresolved: tuple[tuple[str, str], ...] = ()
    # One of them may stop an anonymous caller: called as a statement, or its answer is
    # tested, dereferenced or destructured before the change.
    doubted: bool = False


@dataclass(frozen=True)
class Scope:
    """How a mutation picks the rows it changes, as seen by a signed-in caller."""

    mutation: Mutation
    orm: Api  # Prisma, Drizzle or Supabase for a row filter; any for a helper's or Stripe's
    model: str | None  # Prisma delegate (`post`), Drizzle table (`posts`), Supabase table
    filter: Node | None  # Prisma `where` object, Drizzle `.where(...)` call, last Supabase filter
    client: bool  # the filter's values come from the caller's input
    owned: bool  # the filter ties the rows to the session user
    checked: bool  # an ownership, role or permission check runs before it
    role_checked: bool  # one of those checks asks about the caller alone (a role), no row
    # (field, value) pairs where a user, owner or role value comes from the caller's input.
    identity: tuple[tuple[str, Node], ...] = ()
    owner_from_client: bool = False  # one of those pairs is in the filter: GF003, not GF002
    # A parent key written from the caller's input with no check that the caller may write
    # under that parent (`projectId: input.projectId`): the key and its value. No fix: the
    # parent's owner is not this row's filter.
    parent: tuple[str, Node] | None = None
    # Filter keys that tie the rows to a team or organisation by a value the caller did not
    # send (`teamId: team.id`): the write stays within one team, whoever may act in it.
    team_keys: tuple[str, ...] = ()
    # The rows are picked inside this helper, by arguments the action passes it.
    through: str | None = None
    # A Stripe customer, subscription or account the caller named (kind, value): the call
    # acts on someone else's account unless the id is the caller's.
    subject: tuple[str, Node] | None = None
    # (field, value) where a check before the write compares a row's user field with a
    # value from the caller's input, never with the session: the caller says who they are
    # (`if (policy.approverId !== input.approverId) throw`).
    claimed: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True)
class PublicFlow:
    """An action meant for anonymous callers: sign-up, sign-in, reset, verify, invitation,
    an anonymous submission."""

    # "sign-up", "sign-in", "password-reset", "verification", "invitation", "guest",
    # "submission" (rows nobody owns added from a page open to anyone)
    kind: str
    evidence: str  # what shows it, for messages: "`prisma.user.create`"
    # Where the caller gets an identity (signed in, a new user, a consumed token); None
    # when nothing in the action does (a reset step that never checks the token).
    identified: str | None
    # Byte spans of the writes that belong to the flow: its own steps and all after
    # the caller got an identity. Any other write is open to anyone.
    writes: frozenset[tuple[int, int]] = frozenset()

    def covers(self, mutation: Mutation) -> bool:
        return (mutation.node.start_byte, mutation.node.end_byte) in self.writes


@dataclass(frozen=True)
class Exclusion:
    """How the project's guarded actions turn guest sessions away."""

    test: str  # with `{user}` for the user object: `{user}.type === "guest"`
    written: str  # as one of them writes it: `session.user.type === "guest"`
    actions: int  # how many guarded actions do


@dataclass(frozen=True)
class ActionFacts:
    action: ServerAction
    events: tuple[MutationEvent, ...]
    public: PublicFlow | None  # meant for anonymous callers, and what shows it
    unawaited: str | None = None  # an async session lookup or guard called without `await`
    lookups: tuple[Node, ...] = ()  # calls in the action that yield the session
    scopes: tuple[Scope, ...] = ()  # row-scoped writes (update, delete) and identity writes
    # Before the first unguarded change: helpers guardfix could not follow, as (the
    # helper, why it was not followed).
    unresolved: tuple[tuple[str, str], ...] = ()
    # Why the database refuses an anonymous caller at the first open write (a required
    # relation set from the session's user id), or None.
    database_refuses: str | None = None
    # What hints at a flow for signed-out callers when nothing confirms it (an email
    # sent, a token stored, outside any sign-in or reset route): a login fix is unsafe.
    public_hint: str | None = None
    # How the project's guarded actions turn guest sessions away, when this action stops
    # anonymous callers but lets a guest reach its writes.
    guests_through: Exclusion | None = None
    # A page that shows the action to anonymous visitors (nothing on the way looks the
    # session up) in a project whose pages do elsewhere: a login fix is display-only.
    open_page: str | None = None

    # Where the action looks the session up, for the fixes: derived from `lookups` when
    # first asked, as most actions need no fix.

    @cached_property
    def lookup_statement(self) -> Node | None:
        """The statement of the action's body that holds its first session lookup."""
        body = self.action.function.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            return None
        for call in self.lookups:
            node: Node | None = call
            while node is not None and node.parent is not None and node.parent != body:
                node = node.parent
            if node is not None and node.parent == body:
                return node
        return None

    @cached_property
    def lookup_call(self) -> Node | None:
        """The first session lookup inside `lookup_statement`."""
        statement = self.lookup_statement
        if statement is None:
            return None
        return next(
            (c for c in self.lookups if statement.start_byte <= c.start_byte < statement.end_byte),
            None,
        )


class Applicability(str, Enum):
    SAFE = "safe"  # applied by --apply
    UNSAFE = "unsafe"  # applied with --unsafe-fixes: guardfix guessed part of it
    DISPLAY_ONLY = "display-only"  # shown in the diff, never written


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) of a file with `text`; start == end inserts."""

    start: int
    end: int
    text: bytes


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]
    # The rule whose fix of the same action this one builds on: the owner filter reads
    # the `session` that the GF001 fix declares.
    requires: str | None = None


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    path: str
    start: Position
    end: Position
    action: str | None
    message: str
    # Lines of the action (1-based, inclusive), for staged-mode selection.
    action_lines: tuple[int, int] = (0, 0)
    span: tuple[int, int] = (0, 0)  # byte offsets of the reported node, for the fixes
    fix: Fix | None = None
    why_no_fix: str | None = None  # said when there is no fix

    @property
    def fixable(self) -> bool:
        return self.fix is not None


@dataclass(frozen=True)
class Rewrite:
    """One file's fixed content, and which fixes are in it."""

    path: str
    before: bytes
    after: bytes
    fixed: tuple[Finding, ...]  # findings whose fix is in `after`
    skipped: tuple[tuple[Finding, str], ...]  # fixes left out, and why


@dataclass
class Report:
    """What a check found: the findings, and what the run has to say about its files."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0  # source files checked
    actions: int = 0  # server actions found in them
    notices: list[str] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)  # files with findings
    unreadable: list[str] = field(default_factory=list)  # not text: a run that cannot vouch
    baselined: list[Finding] = field(default_factory=list)  # found, but in the baseline


class InternalError(Exception):
    """A bug in guardfix met while checking `path`; the run stops and asks for a report."""

    def __init__(self, path: str, cause: BaseException) -> None:
        super().__init__(f"{path}: {cause!r}")
        self.path = path
        self.cause = cause

    def __reduce__(self) -> tuple[type[InternalError], tuple[str, BaseException]]:
        return InternalError, (self.path, self.cause)  # it crosses from a worker process
