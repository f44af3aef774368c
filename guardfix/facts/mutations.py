"""Calls that change state: database writes and side effects outside the database.

Each recogniser looks at one call (or `new` expression) and its surroundings;
reads, cookie changes, `revalidatePath`, `redirect` and LLM SDK calls never match. A
request that `fetch` or an HTTP client sends with a writing method (POST, PUT, PATCH,
DELETE) does: what it changes is out of sight. One exception: a POST to a URL whose last
path segment names a question (`/addresses/validate`, `/rates/estimate`, `/search`)
only asks it; APIs take POST there for the request body, not to store anything.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from guardfix.facts.orms import drizzle, prisma, supabase
from guardfix.facts.orms.shape import chain_top, label
from guardfix.model import Api, Mutation
from guardfix.module import Module
from guardfix.patterns import LazyPattern
from guardfix.syntax import (
    call_arguments,
    callee_of,
    declared_value,
    member_parts,
    object_property,
    string_value,
    text,
    unwrap,
    unwrap_await,
)

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
REDIS_NAME = LazyPattern(r"redis|^kv$|upstash|valkey", re.IGNORECASE)
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
        "release",
        "reject",
        "sendInvoice",
        "createReversal",
        "createSource",
        "deleteSource",
        "createBalanceTransaction",
        "createUsageRecord",
        "createLoginLink",
        "deleteDiscount",
        "incrementAuthorization",
        "verifyMicrodeposits",
        "applyCustomerBalance",
    }
)
# Keys of a Stripe call's parameters and options that name whose money or account it acts on.
STRIPE_SUBJECT_KEYS = {
    "customer": "customer",
    "subscription": "subscription",
    "account": "account",
    "stripeAccount": "account",
    "on_behalf_of": "account",
    "destination": "account",
}
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
        "UploadPartCopyCommand",
        "PutObjectAclCommand",
        "PutObjectTaggingCommand",
        "DeleteObjectTaggingCommand",
        "RestoreObjectCommand",
        "CreateBucketCommand",
        "DeleteBucketCommand",
        "PutBucketPolicyCommand",
        "Upload",
    }
)
PRESIGNER = "@aws-sdk/s3-request-presigner"
PRESIGNED_POST = "@aws-sdk/s3-presigned-post"
# AWS SDK v2 `s3.getSignedUrl("putObject", params)`: the operations that write.
S3_V2_WRITES = frozenset({"putObject", "deleteObject", "copyObject", "uploadPart"})
# Hosted services written to through a client object: (receiver name pattern, writes).
SERVICE_WRITES: tuple[tuple[Api, re.Pattern[str], frozenset[str]], ...] = (
    (
        Api.S3,
        re.compile(r"s3", re.IGNORECASE),
        frozenset(
            {
                "putObject",
                "deleteObject",
                "deleteObjects",
                "copyObject",
                "upload",
                "createPresignedPost",
            }
        ),
    ),
    (
        Api.UPLOADTHING,
        re.compile(r"^utapi$", re.IGNORECASE),
        frozenset({"deleteFiles", "uploadFiles", "uploadFilesFromUrl", "renameFiles"}),
    ),
    (Api.CLOUDINARY, re.compile(r"^uploader$"), frozenset({"upload", "destroy", "rename"})),
    (
        Api.APPWRITE,
        re.compile(r"database|storage|^db$|tables", re.IGNORECASE),
        frozenset(
            {
                "createDocument",
                "createDocuments",
                "updateDocument",
                "updateDocuments",
                "deleteDocument",
                "deleteDocuments",
                "upsertDocument",
                "upsertDocuments",
                "createFile",
                "deleteFile",
                "updateFile",
                "createRow",
                "createRows",
                "updateRow",
                "updateRows",
                "deleteRow",
                "deleteRows",
                "upsertRow",
                "upsertRows",
            }
        ),
    ),
    (
        Api.RESEND,
        re.compile(r"^(contacts|audiences|broadcasts)$"),
        frozenset({"create", "update", "remove", "send"}),
    ),
    (
        Api.SUPABASE_ADMIN,
        re.compile(r"^admin$"),
        frozenset(
            {"createUser", "deleteUser", "updateUserById", "inviteUserByEmail", "generateLink"}
        ),
    ),
    # Clerk user writes; one keyed by the caller's own `userId` from `auth()` is exempt
    # (the flow walker knows which values come from the session).
    (
        Api.CLERK,
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
FIREBASE_STORAGE_WRITES = frozenset(
    {"uploadBytes", "uploadBytesResumable", "uploadString", "deleteObject", "updateMetadata"}
)
# Firestore's namespaced API (firebase-admin and the v8 client): what a reference's method
# changes, keyed by the call that made the reference.
FIRESTORE_REF_WRITES = {
    "collection": frozenset({"add"}),
    "doc": frozenset({"set", "update", "delete", "create"}),
}
FIRESTORE_OPS = frozenset({"add", "set", "update", "delete", "create", "commit"})
# firebase-admin `auth()` user management: another account's login, claims and tokens.
FIREBASE_AUTH_WRITES = frozenset(
    {
        "createUser",
        "updateUser",
        "deleteUser",
        "deleteUsers",
        "importUsers",
        "setCustomUserClaims",
        "revokeRefreshTokens",
        "generatePasswordResetLink",
        "generateEmailVerificationLink",
        "generateSignInWithEmailLink",
    }
)
FIREBASE = LazyPattern(r"firebase", re.IGNORECASE)
# Google Cloud Storage (and firebase-admin `storage().bucket()`): file and bucket writes.
GCS_FILE_WRITES = frozenset({"save", "delete", "copy", "move", "rename", "createWriteStream"})
GCS_BUCKET_WRITES = frozenset({"upload", "deleteFiles"})
HTTP_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Words of a POST URL's last path segment that name a question: its first or last word.
# Singular verbs only: a plural (`/quotes`, `/verifications`) names a collection, and a
# POST to a collection creates.
READ_ENDPOINT_WORDS = frozenset(
    {
        "validate",
        "verify",
        "estimate",
        "quote",
        "search",
        "query",
        "lookup",
        "preview",
        "calculate",
        "autocomplete",
        "suggest",
        "geocode",
    }
)
# ... and no word of it says it changes something (`createQuote`, `search-and-save`).
WRITE_ENDPOINT_WORDS = frozenset(
    {
        "create", "add", "new", "update", "set", "save", "delete", "remove", "send", "submit",
        "upload", "publish", "post", "cancel", "charge", "pay", "book", "order", "confirm",
        "apply", "register", "subscribe", "store", "write", "insert", "upsert", "import",
    }
)  # fmt: skip
WORD = LazyPattern(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
FETCH_MODULES = frozenset({"node-fetch", "cross-fetch", "undici", "isomorphic-fetch"})
# HTTP client packages whose `.post()`/`.put()`/`.patch()`/`.delete()` send that request.
HTTP_CLIENTS = frozenset({"axios", "ky", "got", "redaxios", "dwolla-v2"})
SQL_WRITE = LazyPattern(
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
        prisma.recognise,
        supabase.recognise,
        _firebase,
        _gcs,
        drizzle.recognise,
        _kysely,
        _mongoose,
        _redis,
        _stripe,
        _email,
        _fs,
        _http_client,
        _s3_v2_presign,
        _raw_sql,
        _services,
    ):
        found = recognise(call, op, receiver, parts, args, module)
        if found is not None:
            return found
    return None


def classify_new(node: Node, module: Module) -> Mutation | None:
    command = _s3_command(node, module)
    if command is None or _presigned_by(node, module):
        return None
    return Mutation(node, Api.S3, command, f"new {command}")


def _s3_command(node: Node | None, module: Module) -> str | None:
    """`new PutObjectCommand(...)` from the AWS SDK: the name of a command that writes."""
    node = unwrap(node)
    if node is None or node.type != "new_expression":
        return None
    ctor = unwrap(node.child_by_field_name("constructor"))
    if ctor is None or ctor.type != "identifier" or text(ctor) not in S3_COMMANDS:
        return None
    origin = module.imports.get(text(ctor))
    if origin is None or not origin.specifier.startswith("@aws-sdk/"):
        return None
    return text(ctor)


def _presigned_by(node: Node, module: Module) -> bool:
    """The command is signed inline, `getSignedUrl(client, new PutObjectCommand(...))`: the
    call is reported, under a label that says what it signs."""
    args = node.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    if call is None or call.type != "call_expression":
        return False
    callee = callee_of(call)
    origin = module.imports.get(text(callee)) if callee is not None else None
    return origin is not None and origin.specifier == PRESIGNER


def _identifier_call(call: Node, name: str, module: Module) -> Mutation | None:
    origin = module.imports.get(name)
    if name == "fetch" and (origin is None or origin.specifier in FETCH_MODULES):
        return _fetch(call, module)
    if origin is None:
        if name == "sql" and _is_write_template(call):
            return Mutation(call, Api.SQL, "write", "sql`...`")
        return None
    if origin.specifier.startswith("firebase") and origin.name in FIRESTORE_WRITES:
        return Mutation(call, Api.FIRESTORE, origin.name, name)
    if origin.specifier.startswith("firebase") and origin.name in FIREBASE_STORAGE_WRITES:
        return Mutation(call, Api.FIREBASE_STORAGE, origin.name, name)
    if origin.specifier == PRESIGNER and origin.name == "getSignedUrl":
        args = call_arguments(call)
        command = _s3_command(_value_of(args[1], module), module) if len(args) > 1 else None
        if command is not None:
            return Mutation(call, Api.S3, "presign", f"{name}({command})")
        return None
    if origin.specifier == PRESIGNED_POST and origin.name == "createPresignedPost":
        return Mutation(call, Api.S3, "presign", name)
    if origin.specifier == "@vercel/blob" and origin.name in BLOB_WRITES:
        return Mutation(call, Api.BLOB, origin.name, name)
    if origin.specifier in FS_MODULES and origin.name in FS_WRITES:
        return Mutation(call, Api.FS, origin.name, name)
    if origin.name == "sql" and _is_write_template(call):
        return Mutation(call, Api.SQL, "write", f"{name}`...`")
    return None


def _fetch(call: Node, module: Module) -> Mutation | None:
    """`fetch(url, { method: "POST" })`: a request that changes something elsewhere.

    A GET, a HEAD, or no method at all only reads; a method given by a value we cannot
    read is not counted either.
    """
    args = call_arguments(call)
    if len(args) < 2:
        return None
    options = _value_of(args[1], module)
    method = _string_of(object_property(options, "method"), module)
    if method is None or method.upper() not in HTTP_WRITES:
        return None
    if method.upper() == "POST" and _asks(args[0], module):
        return None
    return Mutation(call, Api.HTTP, method.upper(), f"fetch {method.upper()}")


def _asks(url: Node, module: Module) -> bool:
    """The URL's last path segment names a question: `.../addresses/validate`."""
    path = _url_text(url, module)
    if path is None:
        return False
    segment = path.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if "\0" in segment:
        return False  # the segment is computed: an id, or a name we cannot read
    words = [w.lower() for w in WORD.findall(segment)]
    if not words or any(w in WRITE_ENDPOINT_WORDS for w in words):
        return False
    return words[0] in READ_ENDPOINT_WORDS or words[-1] in READ_ENDPOINT_WORDS


def _url_text(node: Node | None, module: Module, depth: int = 0) -> str | None:
    """A URL's text with a NUL for each part computed at run time; None when unread."""
    node = _value_of(node, module) if depth < 3 else unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return string_value(node)
    if node.type == "template_string":
        return "".join(
            "\0" if c.type == "template_substitution" else text(c) for c in node.named_children
        )
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left = _url_text(node.child_by_field_name("left"), module, depth + 1)
        right = _url_text(node.child_by_field_name("right"), module, depth + 1)
        return (left or "\0") + (right if right is not None else "\0")
    if node.type == "new_expression" and text(node.child_by_field_name("constructor")) == "URL":
        args = call_arguments(node)
        return _url_text(args[0], module, depth + 1) if args else None
    return "\0"


def _value_of(node: Node | None, module: Module) -> Node | None:
    """An argument, or the value its name was given (`const options = {...}`) in scope."""
    node = unwrap(node)
    if node is not None and node.type in ("identifier", "shorthand_property_identifier"):
        return _declared(node, module) or node
    return node


def _string_of(node: Node | None, module: Module) -> str | None:
    return string_value(_value_of(node, module))


def _declared(name: Node, module: Module) -> Node | None:
    """The value of the `const`/`let` that `name` refers to: declared before it in an
    enclosing block, or at the top of the module."""
    wanted = text(name)
    scope = name.parent
    while scope is not None and scope.type != "program":
        if scope.type == "statement_block":
            found = None
            for statement in scope.named_children:
                if statement.start_byte >= name.start_byte:
                    break
                found = _declarator_value(statement, wanted) or found
            if found is not None:
                return found
        scope = scope.parent
    top = module.definitions.get(wanted)
    return declared_value(top) if top is not None else None


def _declarator_value(statement: Node, wanted: str) -> Node | None:
    if statement.type not in ("lexical_declaration", "variable_declaration"):
        return None
    for declarator in statement.named_children:
        name = declarator.child_by_field_name("name")
        if declarator.type == "variable_declarator" and text(name) == wanted:
            return declared_value(declarator)
    return None


def _root(node: Node | None) -> Node | None:
    """The name a chain of members, calls and `new` starts from: `admin` in
    `admin.auth().x`, `Client` in `new Client()`."""
    node = unwrap_await(node)
    while node is not None and node.type in (
        "member_expression",
        "call_expression",
        "new_expression",
    ):
        if node.type == "member_expression":
            node = unwrap_await(node.child_by_field_name("object"))
        elif node.type == "new_expression":
            node = unwrap(node.child_by_field_name("constructor"))
        else:
            node = callee_of(node)
    return node if node is not None and node.type == "identifier" else None


def _origin(node: Node | None, module: Module, depth: int = 2) -> str | None:
    """The module a chain's root comes from, following `const auth = admin.auth()`."""
    root = _root(node)
    if root is None:
        return None
    origin = module.imports.get(text(root))
    if origin is not None:
        return origin.specifier
    if depth == 0:
        return None
    return _origin(_declared(root, module), module, depth - 1)


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


def _firebase(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    """Firestore references (`db.collection(c).add`, `db.doc(p).set`, a `batch` or a
    transaction) and firebase-admin user management."""
    if op in FIREBASE_AUTH_WRITES and args:
        specifier = _origin(receiver, module)
        if specifier is not None and FIREBASE.search(specifier):
            return Mutation(call, Api.FIREBASE_AUTH, op, f"firebase auth.{op}")
    if op == "runTransaction" and args:
        return Mutation(call, Api.FIRESTORE, op, "firestore runTransaction")
    if op not in FIRESTORE_OPS:
        return None
    made_by = _made_by(receiver, module)
    if made_by is not None and op in FIRESTORE_REF_WRITES.get(made_by, ()):
        return Mutation(call, Api.FIRESTORE, op, f"firestore {made_by}.{op}")
    if op == "commit" and not args and made_by == "batch":
        return Mutation(call, Api.FIRESTORE, op, "firestore batch.commit")
    return None


def _made_by(receiver: Node, module: Module) -> str | None:
    """The method whose call made the receiver: `doc` for `col.doc(id)` or for `ref` after
    `const ref = col.doc(id)`."""
    value = unwrap_await(_value_of(receiver, module))
    if value is None or value.type != "call_expression":
        return None
    callee = callee_of(value)
    if callee is None or callee.type != "member_expression":
        return None
    return text(callee.child_by_field_name("property"))


def _gcs(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    """`bucket.file(name).save(data)`, `bucket.upload(path)`: Google Cloud / Firebase Storage."""
    if op not in GCS_FILE_WRITES and op not in GCS_BUCKET_WRITES:
        return None
    made_by = _made_by(receiver, module)
    if made_by == "file" and op in GCS_FILE_WRITES:
        value = unwrap_await(_value_of(receiver, module))
        bucket = value.child_by_field_name("function") if value is not None else None
        inner = bucket.child_by_field_name("object") if bucket is not None else None
        if inner is not None and _made_by(inner, module) == "bucket":
            return Mutation(call, Api.GCS, op, f"storage file.{op}")
    if made_by == "bucket" and op in GCS_BUCKET_WRITES:
        return Mutation(call, Api.GCS, op, f"storage bucket.{op}")
    return None


def _kysely(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in KYSELY_OPS:
        return None
    return Mutation(chain_top(call), Api.KYSELY, op, label(parts, op))


def _mongoose(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op in MONGOOSE_ANY_RECEIVER:
        return Mutation(call, Api.MONGOOSE, op, label(parts, op))
    if op in MONGOOSE_MODEL_ONLY and receiver.type == "identifier":
        name = text(receiver)
        if name[:1].isupper() and name not in ("Object", "Array", "Reflect", "Promise", "JSON"):
            return Mutation(call, Api.MONGOOSE, op, f"{name}.{op}")
    if op == "save" and len(args) <= 1 and receiver.type in ("identifier", "member_expression"):
        return Mutation(call, Api.MONGOOSE, "save", label(parts, "save"))
    return None


def _redis(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if parts is None or op.lower() not in REDIS_WRITES or not args:
        return None
    if any(REDIS_NAME.search(p) for p in parts[:-1]):
        return Mutation(call, Api.REDIS, op, ".".join(parts))
    return None


def _stripe(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if op not in STRIPE_OPS:
        return None
    # `stripe.x.create`, `this.stripe.x.create`, `getStripe().x.create`
    names = parts if parts is not None else [*_chain_names(receiver), op]
    if names[:1] == ["this"]:
        names = names[1:]
    if len(names) < 3 or "stripe" not in names[0].lower():
        return None
    subjects = _stripe_subjects(names[-2], op, args, module)
    return Mutation(call, Api.STRIPE, op, label(parts, ".".join(names)), subjects=subjects)


def _chain_names(node: Node | None) -> list[str]:
    """`getStripe().customers` as ["getStripe", "customers"]: the names, calls left out."""
    node = unwrap_await(node)
    if node is None:
        return []
    if node.type in ("identifier", "this"):
        return [text(node)]
    if node.type == "member_expression":
        return [
            *_chain_names(node.child_by_field_name("object")),
            text(node.child_by_field_name("property")),
        ]
    if node.type == "call_expression":
        return _chain_names(callee_of(node))
    return []


def _stripe_subjects(
    resource: str, op: str, args: list[Node], module: Module
) -> tuple[tuple[str, Node], ...]:
    """The customer, subscription or account ids a Stripe call acts on.

    `subscriptions.update(id, ...)` names its object first (a plain `create` takes
    parameters instead); parameters and request options name the rest
    (`{ customer }`, `{ stripeAccount }`).
    """
    subjects: list[tuple[str, Node]] = []
    first = unwrap(args[0]) if args else None
    if first is not None and op != "create" and first.type != "object":
        kind = resource[:-1] if resource.endswith("s") else resource
        subjects.append((kind, first))
    for arg in args:
        options = _value_of(arg, module)
        for key, kind in STRIPE_SUBJECT_KEYS.items():
            value = unwrap(object_property(options, key))
            if value is not None:
                subjects.append((kind, value))
    return tuple(subjects)


# `process.env.X`, `env.X`, `config.email.to`: a value the deployment fixes.
SETTING = LazyPattern(r"^(process\.env|env|config|settings|siteConfig)(\.\w+)+$")


def _email(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if args and _to_the_site(_value_of(args[0], module)):
        return None  # a contact form mailing the site's own inbox changes nobody's data
    if op == "sendMail":
        return Mutation(call, Api.EMAIL, op, label(parts, "sendMail"))
    if parts is not None and op == "send" and len(parts) >= 3 and parts[-2] in ("emails", "batch"):
        return Mutation(call, Api.EMAIL, op, ".".join(parts))
    return None


def _to_the_site(message: Node | None) -> bool:
    """The message goes to a fixed address: a literal or a setting (`env.CONTACT_TO`)."""
    to = unwrap(object_property(message, "to")) if message is not None else None
    if to is None:
        return False
    addresses = to.named_children if to.type == "array" else [to]
    return bool(addresses) and all(
        a.type == "string" or SETTING.match(text(a)) is not None for a in addresses
    )


def _fs(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    if parts is None or op not in FS_WRITES:
        return None
    root = parts[0]
    origin = module.imports.get(root)
    if (origin is not None and origin.specifier in FS_MODULES) or root in FS_NAMES:
        return Mutation(call, Api.FS, op, ".".join(parts))
    return None


def _http_client(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    """`axios.post(...)`, and `.put/.patch/.delete` of a client made by an HTTP package
    (`const api = axios.create()`, `new Client()` from dwolla-v2)."""
    if op not in ("post", "put", "patch", "delete") or receiver.type != "identifier":
        return None
    if _origin(receiver, module, 1) not in HTTP_CLIENTS:
        return None
    if op == "post" and args and _asks(args[0], module):
        return None
    return Mutation(call, Api.HTTP, op.upper(), f"{text(receiver)}.{op}")


def _s3_v2_presign(
    call: Node, op: str, receiver: Node, parts: list[str] | None, args: list[Node], module: Module
) -> Mutation | None:
    """AWS SDK v2 `s3.getSignedUrl("putObject", params)`: a URL anyone holding it writes with."""
    if op not in ("getSignedUrl", "getSignedUrlPromise") or not args:
        return None
    operation = string_value(args[0])
    if operation not in S3_V2_WRITES:
        return None
    return Mutation(call, Api.S3, "presign", f"{label(parts, op)}({operation})")


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
        return Mutation(chain_top(call), Api.SQL, "write", label(parts, op))
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
            return Mutation(call, api, op, label(parts, f"{client}.{op}"))
    return None
