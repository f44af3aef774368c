"""Calls that change state: database writes and side effects outside the database.

Each recogniser looks at one call (or `new` expression) and its surroundings;
reads, cookie changes, `revalidatePath`, `redirect` and LLM calls never match.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.model import Mutation
from guardfix.module import Module
from guardfix.syntax import (
    call_arguments,
    callee_name,
    callee_of,
    member_parts,
    object_property,
    string_value,
    text,
    unwrap,
    unwrap_await,
)

PRISMA_OPS = frozenset(
    {
        "create",
        "createMany",
        "createManyAndReturn",
        "update",
        "updateMany",
        "updateManyAndReturn",
        "upsert",
        "delete",
        "deleteMany",
    }
)
PRISMA_RAW = frozenset({"$executeRaw", "$executeRawUnsafe"})
# The client in `<client>.<model>.<op>()`: OpenAI, Stripe and Twilio SDKs share the shape.
PRISMA_CLIENT = re.compile(r"prisma|db$|^(tx|trx)$|database", re.IGNORECASE)
# Every Prisma write given an object literal names its rows or its data.
PRISMA_ARG_KEYS = frozenset({"where", "data"})
DRIZZLE_OPS = frozenset({"insert", "update", "delete"})
DRIZZLE_CHAIN = frozenset(
    {
        "values",
        "set",
        "where",
        "returning",
        "onConflictDoNothing",
        "onConflictDoUpdate",
        "onDuplicateKeyUpdate",
    }
)
DB_NAME = re.compile(r"(^|_)(db|tx|trx)$|database|drizzle|^orm$", re.IGNORECASE)
SUPABASE_OPS = frozenset({"insert", "update", "upsert", "delete"})
STORAGE_OPS = frozenset({"upload", "remove", "update", "move", "copy", "uploadToSignedUrl"})
KYSELY_OPS = frozenset({"insertInto", "updateTable", "deleteFrom", "replaceInto", "mergeInto"})
MONGOOSE_ANY_RECEIVER = frozenset(
    {
        "updateOne",
        "deleteOne",
        "insertOne",
        "insertMany",
        "replaceOne",
        "bulkWrite",
        "findByIdAndUpdate",
        "findByIdAndDelete",
        "findByIdAndRemove",
        "findOneAndUpdate",
        "findOneAndDelete",
        "findOneAndReplace",
        "findOneAndRemove",
    }
)
MONGOOSE_MODEL_ONLY = frozenset({"create", "updateMany", "deleteMany"})
REDIS_NAME = re.compile(r"redis|^kv$|upstash|valkey", re.IGNORECASE)
REDIS_WRITES = frozenset(
    {
        "set",
        "setex",
        "psetex",
        "setnx",
        "mset",
        "msetnx",
        "getset",
        "getdel",
        "append",
        "del",
        "unlink",
        "incr",
        "incrby",
        "incrbyfloat",
        "decr",
        "decrby",
        "expire",
        "expireat",
        "pexpire",
        "persist",
        "rename",
        "hset",
        "hmset",
        "hsetnx",
        "hdel",
        "hincrby",
        "lpush",
        "rpush",
        "lpop",
        "rpop",
        "lset",
        "lrem",
        "ltrim",
        "sadd",
        "srem",
        "spop",
        "smove",
        "zadd",
        "zrem",
        "zincrby",
        "zpopmin",
        "zpopmax",
        "xadd",
        "xdel",
        "flushdb",
        "flushall",
    }
)
STRIPE_OPS = frozenset(
    {
        "create",
        "update",
        "del",
        "cancel",
        "capture",
        "confirm",
        "pay",
        "refund",
        "resume",
        "finalizeInvoice",
        "voidInvoice",
        "markUncollectible",
        "attach",
        "detach",
        "close",
    }
)
FS_MODULES = frozenset({"fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra"})
FS_WRITES = frozenset(
    {
        "writeFile",
        "writeFileSync",
        "appendFile",
        "appendFileSync",
        "unlink",
        "unlinkSync",
        "rm",
        "rmSync",
        "rmdir",
        "rmdirSync",
        "rename",
        "renameSync",
        "mkdir",
        "mkdirSync",
        "copyFile",
        "copyFileSync",
        "cp",
        "cpSync",
        "truncate",
        "truncateSync",
        "createWriteStream",
        "outputFile",
        "outputJson",
        "writeJson",
        "remove",
    }
)
FS_NAMES = frozenset({"fs", "fsp", "fsPromises"})
BLOB_WRITES = frozenset({"put", "del", "copy"})
S3_COMMANDS = frozenset(
    {
        "PutObjectCommand",
        "DeleteObjectCommand",
        "DeleteObjectsCommand",
        "CopyObjectCommand",
        "CreateMultipartUploadCommand",
        "CompleteMultipartUploadCommand",
        "UploadPartCommand",
        "PutObjectAclCommand",
        "Upload",
    }
)
# Hosted services written to through a client object: (receiver name pattern, writes).
SERVICE_WRITES: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = (
    (
        "s3",
        re.compile(r"s3", re.IGNORECASE),
        frozenset({"putObject", "deleteObject", "deleteObjects", "copyObject", "upload"}),
    ),
    (
        "uploadthing",
        re.compile(r"^utapi$", re.IGNORECASE),
        frozenset({"deleteFiles", "uploadFiles", "uploadFilesFromUrl", "renameFiles"}),
    ),
    ("cloudinary", re.compile(r"^uploader$"), frozenset({"upload", "destroy", "rename"})),
    (
        "appwrite",
        re.compile(r"databases|storage", re.IGNORECASE),
        frozenset(
            {
                "createDocument",
                "updateDocument",
                "deleteDocument",
                "upsertDocument",
                "createFile",
                "deleteFile",
                "updateFile",
            }
        ),
    ),
    (
        "resend",
        re.compile(r"^(contacts|audiences|broadcasts)$"),
        frozenset({"create", "update", "remove", "send"}),
    ),
    (
        "supabase-admin",
        re.compile(r"^admin$"),
        frozenset(
            {"createUser", "deleteUser", "updateUserById", "inviteUserByEmail", "generateLink"}
        ),
    ),
    # Clerk user writes; one keyed by the caller's own `userId` from `auth()` is exempt
    # (the flow walker knows which values come from the session).
    (
        "clerk",
        re.compile(r"^(users|organizations)$"),
        frozenset(
            {
                "updateUser",
                "updateUserMetadata",
                "deleteUser",
                "banUser",
                "unbanUser",
                "lockUser",
                "createUser",
                "updateOrganization",
                "deleteOrganization",
                "createOrganizationMembership",
                "updateOrganizationMembership",
                "deleteOrganizationMembership",
            }
        ),
    ),
)
FIRESTORE_WRITES = frozenset(
    {"addDoc", "setDoc", "updateDoc", "deleteDoc", "writeBatch", "runTransaction"}
)
SQL_WRITE = re.compile(
    r"^\s*(insert|update|delete|upsert|merge|replace|truncate|drop|alter)\b"
    r"|\b(insert\s+into|delete\s+from|update\s+[\w.\"`\[\]]+\s+set)\b",
    re.IGNORECASE,
)
RAW_SQL_METHODS = frozenset({"query", "execute", "exec", "run", "prepare", "unsafe", "raw"})


def classify_call(call: Node, module: Module) -> Mutation | None:
    callee = callee_of(call)
    if callee is None:
        return None
    args = call_arguments(call)
    if callee.type == "identifier":
        return _identifier_call(call, text(callee), module)
    if callee.type != "member_expression":
        return None
    op = text(callee.child_by_field_name("property"))
    receiver = unwrap(callee.child_by_field_name("object"))
    if receiver is None:
        return None
    parts = member_parts(callee)
    for recognise in (
        _prisma,
        _supabase,
        _drizzle,
        _kysely,
        _mongoose,
        _redis,
        _stripe,
        _email,
        _fs,
        _raw_sql,
        _services,
    ):
        found = recognise(call, op, receiver, parts, args, module)
        if found is not None:
            return found
    return None


def classify_new(node: Node, module: Module) -> Mutation | None:
    ctor = unwrap(node.child_by_field_name("constructor"))
    if ctor is None or ctor.type != "identifier" or text(ctor) not in S3_COMMANDS:
        return None
    origin = module.imports.get(text(ctor))
    if origin is None or not origin.specifier.startswith("@aws-sdk/"):
        return None
    return Mutation(node, "s3", text(ctor), f"new {text(ctor)}")


def chain_top(call: Node) -> Node:
    """The outermost call of a query-builder chain that starts at `call`."""
    current = call
    while True:
        parent = current.parent
        if parent is None or parent.type != "member_expression":
            return current
        grand = parent.parent
        if grand is None or grand.type != "call_expression":
            return current
        if grand.child_by_field_name("function") != parent:
            return current
        current = grand


def _label(callee_parts: list[str] | None, fallback: str) -> str:
    return ".".join(callee_parts) if callee_parts else fallback


def _identifier_call(call: Node, name: str, module: Module) -> Mutation | None:
    origin = module.imports.get(name)
    if origin is None:
        if name == "sql" and _is_write_template(call):
            return Mutation(call, "sql", "write", "sql`...`")
        return None
    if origin.specifier.startswith("firebase") and origin.name in FIRESTORE_WRITES:
        return Mutation(call, "firestore", origin.name, name)
    if origin.specifier == "@vercel/blob" and origin.name in BLOB_WRITES:
        return Mutation(call, "blob", origin.name, name)
    if origin.specifier in FS_MODULES and origin.name in FS_WRITES:
        return Mutation(call, "fs", origin.name, name)
    if origin.name == "sql" and _is_write_template(call):
        return Mutation(call, "sql", "write", f"{name}`...`")
    return None


def _is_write_template(call: Node) -> bool:
    """A tagged template (sql`...`) whose text is a write statement."""
    # The grammar puts a tagged template's literal in `arguments`, not in an argument list.
    template = call.child_by_field_name("arguments")
    if template is None or template.type != "template_string":
        return False
    fragments = "".join(
        text(c) if c.type != "template_substitution" else " ? " for c in template.named_children
    )
    return SQL_WRITE.search(fragments) is not None


def _prisma(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op in PRISMA_RAW:
        return Mutation(call, "prisma", op, _label(parts, op))
    if op not in PRISMA_OPS or receiver.type != "member_expression" or len(args) > 1:
        return None
    model = receiver.child_by_field_name("property")
    if model is None or model.type != "property_identifier":
        return None
    first = unwrap(args[0]) if args else None
    if first is not None and first.type not in ("object", "identifier", "member_expression"):
        return None
    if first is None and op not in ("deleteMany", "updateMany"):
        return None
    if not (_looks_like_db(receiver.child_by_field_name("object")) or _prisma_args(first)):
        return None
    return Mutation(call, "prisma", op, _label(parts, f"{text(model)}.{op}"))


def _looks_like_db(client: Node | None) -> bool:
    """`prisma`, `db`, `ctx.db`, `this.prisma`, `getDb()`: a name that says database."""
    client = unwrap_await(client)
    if client is not None and client.type == "call_expression":
        return PRISMA_CLIENT.search(callee_name(client) or "") is not None
    parts = member_parts(client)
    return parts is not None and PRISMA_CLIENT.search(parts[-1]) is not None


def _prisma_args(first: Node | None) -> bool:
    """`{ where: ... }` or `{ data: ... }`: the argument Prisma's writes take."""
    if first is None or first.type != "object":
        return False
    return any(object_property(first, key) is not None for key in PRISMA_ARG_KEYS)


def _supabase(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op == "rpc":
        return Mutation(call, "supabase", "rpc", f"rpc({text(args[0]) if args else ''})")
    if receiver.type != "call_expression" or callee_name(receiver) != "from":
        return None
    table = string_value(call_arguments(receiver)[0]) if call_arguments(receiver) else None
    from_callee = unwrap(receiver.child_by_field_name("function"))
    from_parts = member_parts(from_callee) or []
    if len(from_parts) >= 2 and from_parts[-2] == "storage":
        if op in STORAGE_OPS:
            return Mutation(chain_top(call), "supabase-storage", op, f"storage.from(...).{op}")
        return None
    if op in SUPABASE_OPS:
        return Mutation(
            chain_top(call), "supabase", op, f"from({table!r}).{op}" if table else f"from(...).{op}"
        )
    return None


def _drizzle(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in DRIZZLE_OPS or len(args) != 1:
        return None
    table = unwrap(args[0])
    if table is None or table.type not in ("identifier", "member_expression"):
        return None
    # The client may be a call too: `getDb().insert(notes)`.
    client = (
        parts[-2]
        if parts is not None
        else callee_name(receiver)
        if (receiver.type == "call_expression")
        else None
    )
    if client is None:
        return None
    top = chain_top(call)
    chained = _chain_method_names(call, top)
    if not (DB_NAME.search(client) or chained & DRIZZLE_CHAIN):
        return None
    return Mutation(top, "drizzle", op, f"{text(receiver)}.{op}({text(table)})")


def _chain_method_names(start: Node, top: Node) -> set[str]:
    names: set[str] = set()
    current = start
    while current != top and current.parent is not None:
        member = current.parent
        names.add(text(member.child_by_field_name("property")))
        if member.parent is None:
            break
        current = member.parent
    return names


def _kysely(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in KYSELY_OPS:
        return None
    return Mutation(chain_top(call), "kysely", op, _label(parts, op))


def _mongoose(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op in MONGOOSE_ANY_RECEIVER:
        return Mutation(call, "mongoose", op, _label(parts, op))
    if op in MONGOOSE_MODEL_ONLY and receiver.type == "identifier":
        name = text(receiver)
        if name[:1].isupper() and name not in ("Object", "Array", "Reflect", "Promise", "JSON"):
            return Mutation(call, "mongoose", op, f"{name}.{op}")
    if op == "save" and len(args) <= 1 and receiver.type in ("identifier", "member_expression"):
        return Mutation(call, "mongoose", "save", _label(parts, "save"))
    return None


def _redis(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if parts is None or op.lower() not in REDIS_WRITES or not args:
        return None
    if any(REDIS_NAME.search(p) for p in parts[:-1]):
        return Mutation(call, "redis", op, ".".join(parts))
    return None


def _stripe(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if parts is None or len(parts) < 3 or op not in STRIPE_OPS:
        return None
    if "stripe" in parts[0].lower():
        return Mutation(call, "stripe", op, ".".join(parts))
    return None


def _email(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op == "sendMail":
        return Mutation(call, "email", op, _label(parts, "sendMail"))
    if parts is not None and op == "send" and len(parts) >= 3 and parts[-2] in ("emails", "batch"):
        return Mutation(call, "email", op, ".".join(parts))
    return None


def _fs(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if parts is None or op not in FS_WRITES:
        return None
    root = parts[0]
    origin = module.imports.get(root)
    if (origin is not None and origin.specifier in FS_MODULES) or root in FS_NAMES:
        return Mutation(call, "fs", op, ".".join(parts))
    return None


def _raw_sql(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in RAW_SQL_METHODS or not args:
        return None
    first = unwrap(args[0])
    if first is None:
        return None
    sql = string_value(first)
    if sql is None and first.type == "template_string":
        sql = "".join(text(c) for c in first.named_children if c.type == "string_fragment")
    if sql is not None and SQL_WRITE.search(sql):
        return Mutation(chain_top(call), "sql", "write", _label(parts, op))
    return None


def _services(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    # `(await clerkClient()).users.updateUser`: the name just before the method is enough.
    if receiver.type == "member_expression":
        client = text(receiver.child_by_field_name("property"))
    elif receiver.type == "identifier":
        client = text(receiver)
    else:
        return None
    for api, name, writes in SERVICE_WRITES:
        if op in writes and name.search(client):
            return Mutation(call, api, op, _label(parts, f"{client}.{op}"))
    return None
