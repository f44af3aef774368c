"""Which calls count as mutations: one unguarded `"use server"` action per case.

A mutation in an action with no session check is a GF001 finding at the line of
the mutation (or of the call into the helper that makes it); anything else must
stay silent.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from guardfix.facts.mutations import classify_call, classify_new
from guardfix.model import Mutation
from guardfix.module import build_module
from guardfix.parse import parse
from guardfix.syntax import text, walk

Findings = list[tuple[str, str, int]]
Project = Callable[..., Findings]

PRISMA = """"use server";
import { prisma } from "@/lib/prisma";

export async function {name}(id: string, title: string) {
  {body}
}
"""


def prisma_action(name: str, body: str) -> str:
    """A Prisma action whose single body line is line 5."""
    return PRISMA.replace("{name}", name).replace("{body}", body)


DATABASE_WRITES = [
    # -- Prisma ------------------------------------------------------------------------
    pytest.param(
        prisma_action("createPost", "await prisma.post.create({ data: { title } });"),
        [("GF001", "createPost", 5)],
        id="prisma-create",
    ),
    pytest.param(
        prisma_action(
            "importPosts", "await prisma.post.createMany({ data: [{ title }, { title }] });"
        ),
        [("GF001", "importPosts", 5)],
        id="prisma-createMany",
    ),
    pytest.param(
        prisma_action(
            "importPostsBack", "return prisma.post.createManyAndReturn({ data: [{ title }] });"
        ),
        [("GF001", "importPostsBack", 5)],
        id="prisma-createManyAndReturn",
    ),
    pytest.param(
        prisma_action(
            "renamePost", "await prisma.post.update({ where: { id }, data: { title } });"
        ),
        [("GF001", "renamePost", 5)],
        id="prisma-update",
    ),
    pytest.param(
        prisma_action("publishAll", "await prisma.post.updateMany({ data: { published: true } });"),
        [("GF001", "publishAll", 5)],
        id="prisma-updateMany",
    ),
    pytest.param(
        prisma_action(
            "savePost",
            "await prisma.post.upsert({ where: { id }, create: { title }, update: { title } });",
        ),
        [("GF001", "savePost", 5)],
        id="prisma-upsert",
    ),
    pytest.param(
        prisma_action("deletePost", "await prisma.post.delete({ where: { id } });"),
        [("GF001", "deletePost", 5)],
        id="prisma-delete",
    ),
    pytest.param(
        prisma_action("purgePosts", "await prisma.post.deleteMany();"),
        [("GF001", "purgePosts", 5)],
        id="prisma-deleteMany-no-args",
    ),
    pytest.param(
        prisma_action("purgeDrafts", "await prisma.post.deleteMany({ where: { title } });"),
        [("GF001", "purgeDrafts", 5)],
        id="prisma-deleteMany",
    ),
    pytest.param(
        prisma_action(
            "deleteRaw", 'await prisma.$executeRaw`DELETE FROM "Post" WHERE id = ${id}`;'
        ),
        [("GF001", "deleteRaw", 5)],
        id="prisma-executeRaw-tagged",
    ),
    pytest.param(
        prisma_action(
            "deleteRawUnsafe",
            "await prisma.$executeRawUnsafe('DELETE FROM \"Post\" WHERE id = $1', id);",
        ),
        [("GF001", "deleteRawUnsafe", 5)],
        id="prisma-executeRawUnsafe",
    ),
    pytest.param(
        """"use server";
import { prisma } from "@/lib/prisma";

export async function deletePostAndComments(id: string) {
  await prisma.$transaction([
    prisma.comment.deleteMany({ where: { postId: id } }),
    prisma.post.delete({ where: { id } }),
  ]);
}
""",
        [("GF001", "deletePostAndComments", 6)],
        id="prisma-transaction-array",
    ),
    pytest.param(
        """"use server";
import { prisma } from "@/lib/prisma";

export async function deletePostInTx(id: string) {
  await prisma.$transaction(async (tx) => {
    await tx.post.delete({ where: { id } });
  });
}
""",
        [("GF001", "deletePostInTx", 6)],
        id="prisma-transaction-callback",
    ),
    pytest.param(
        """"use server";
import { createContext } from "@/server/context";

export async function deletePostCtx(id: string) {
  const ctx = await createContext();
  await ctx.db.post.delete({ where: { id } });
}
""",
        [("GF001", "deletePostCtx", 6)],
        id="prisma-deeper-receiver",
    ),
    pytest.param(
        """"use server";
import { repo } from "@/server/repo";

export async function retitle(id: string, title: string) {
  await repo.post.update({ where: { id }, data: { title } });
}
""",
        [("GF001", "retitle", 5)],
        id="prisma-any-client-name-where-data",
    ),
    pytest.param(
        """"use server";
import { db } from "@/server/db";

export async function addTag(name: string) {
  const input = { data: { name } };
  await db.tag.create(input);
}
""",
        [("GF001", "addTag", 6)],
        id="prisma-db-client-args-variable",
    ),
    # -- Drizzle -----------------------------------------------------------------------
    pytest.param(
        """"use server";
import { db } from "@/db";
import { posts } from "@/db/schema";

export async function createPostDrizzle(title: string) {
  await db.insert(posts).values({ title });
}
""",
        [("GF001", "createPostDrizzle", 6)],
        id="drizzle-insert",
    ),
    pytest.param(
        """"use server";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { posts } from "@/db/schema";

export async function renamePostDrizzle(id: number, title: string) {
  await db.update(posts).set({ title }).where(eq(posts.id, id));
}
""",
        [("GF001", "renamePostDrizzle", 7)],
        id="drizzle-update",
    ),
    pytest.param(
        """"use server";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { posts } from "@/db/schema";

export async function deletePostDrizzle(id: number) {
  await db.delete(posts).where(eq(posts.id, id));
}
""",
        [("GF001", "deletePostDrizzle", 7)],
        id="drizzle-delete",
    ),
    pytest.param(
        """"use server";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { posts } from "@/db/schema";

export async function deletePostDrizzleTx(id: number) {
  await db.transaction(async (tx) => {
    await tx.delete(posts).where(eq(posts.id, id));
  });
}
""",
        [("GF001", "deletePostDrizzleTx", 8)],
        id="drizzle-transaction",
    ),
    # -- Supabase ----------------------------------------------------------------------
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function createPostSupabase(title: string) {
  const supabase = await createClient();
  await supabase.from("posts").insert({ title });
}
""",
        [("GF001", "createPostSupabase", 6)],
        id="supabase-insert",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function renamePostSupabase(id: string, title: string) {
  const supabase = await createClient();
  await supabase.from("posts").update({ title }).eq("id", id);
}
""",
        [("GF001", "renamePostSupabase", 6)],
        id="supabase-update",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function savePostSupabase(id: string, title: string) {
  const supabase = await createClient();
  await supabase.from("posts").upsert({ id, title }).select();
}
""",
        [("GF001", "savePostSupabase", 6)],
        id="supabase-upsert",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function deletePostSupabase(id: string) {
  const supabase = await createClient();
  const { error } = await supabase.from("posts").delete().eq("id", id);
  if (error) throw error;
}
""",
        [("GF001", "deletePostSupabase", 6)],
        id="supabase-delete",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function resetCounters() {
  const supabase = await createClient();
  await supabase.rpc("reset_counters");
}
""",
        [("GF001", "resetCounters", 6)],
        id="supabase-rpc",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function uploadAvatar(path: string, file: File) {
  const supabase = await createClient();
  await supabase.storage.from("avatars").upload(path, file);
}
""",
        [("GF001", "uploadAvatar", 6)],
        id="supabase-storage-upload",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function removeAvatar(path: string) {
  const supabase = await createClient();
  await supabase.storage.from("avatars").remove([path]);
}
""",
        [("GF001", "removeAvatar", 6)],
        id="supabase-storage-remove",
    ),
    # -- Kysely ------------------------------------------------------------------------
    pytest.param(
        """"use server";
import { db } from "@/lib/kysely";

export async function createPostKysely(title: string) {
  await db.insertInto("post").values({ title }).execute();
}
""",
        [("GF001", "createPostKysely", 5)],
        id="kysely-insertInto",
    ),
    pytest.param(
        """"use server";
import { db } from "@/lib/kysely";

export async function renamePostKysely(id: number, title: string) {
  await db.updateTable("post").set({ title }).where("id", "=", id).execute();
}
""",
        [("GF001", "renamePostKysely", 5)],
        id="kysely-updateTable",
    ),
    pytest.param(
        """"use server";
import { db } from "@/lib/kysely";

export async function deletePostKysely(id: number) {
  await db.deleteFrom("post").where("id", "=", id).executeTakeFirst();
}
""",
        [("GF001", "deletePostKysely", 5)],
        id="kysely-deleteFrom",
    ),
    # -- Mongoose ----------------------------------------------------------------------
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function createPostMongo(title: string) {
  await Post.create({ title });
}
""",
        [("GF001", "createPostMongo", 5)],
        id="mongoose-create",
    ),
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function renamePostMongo(id: string, title: string) {
  await Post.updateOne({ _id: id }, { title });
}
""",
        [("GF001", "renamePostMongo", 5)],
        id="mongoose-updateOne",
    ),
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function purgePostsMongo(author: string) {
  await Post.deleteMany({ author });
}
""",
        [("GF001", "purgePostsMongo", 5)],
        id="mongoose-deleteMany",
    ),
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function publishPostMongo(id: string) {
  await Post.findByIdAndUpdate(id, { published: true });
}
""",
        [("GF001", "publishPostMongo", 5)],
        id="mongoose-findByIdAndUpdate",
    ),
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function deletePostMongo(slug: string) {
  await Post.findOneAndDelete({ slug });
}
""",
        [("GF001", "deletePostMongo", 5)],
        id="mongoose-findOneAndDelete",
    ),
    pytest.param(
        """"use server";
import { Post } from "@/models/post";

export async function retitlePostMongo(id: string, title: string) {
  const doc = await Post.findById(id);
  if (!doc) return;
  doc.title = title;
  await doc.save();
}
""",
        [("GF001", "retitlePostMongo", 8)],
        id="mongoose-doc-save",
    ),
    # -- SQL ---------------------------------------------------------------------------
    pytest.param(
        """"use server";
import { sql } from "@vercel/postgres";

export async function deletePostSql(id: string) {
  await sql`DELETE FROM posts WHERE id = ${id}`;
}
""",
        [("GF001", "deletePostSql", 5)],
        id="vercel-postgres-sql-tag",
    ),
    pytest.param(
        """"use server";
import { sql } from "drizzle-orm";
import { db } from "@/db";

export async function bumpViews(id: number) {
  await db.execute(sql`UPDATE posts SET views = views + 1 WHERE id = ${id}`);
}
""",
        [("GF001", "bumpViews", 6)],
        id="drizzle-execute-sql-tag",
    ),
    pytest.param(
        """"use server";
import { pool } from "@/lib/pg";

export async function deletePostPg(id: string) {
  await pool.query("DELETE FROM posts WHERE id = $1", [id]);
}
""",
        [("GF001", "deletePostPg", 5)],
        id="pg-pool-query",
    ),
    pytest.param(
        """"use server";
import Database from "better-sqlite3";

const db = new Database("app.db");

export async function createPostSqlite(title: string) {
  db.prepare("INSERT INTO posts (title) VALUES (?)").run(title);
}
""",
        [("GF001", "createPostSqlite", 7)],
        id="better-sqlite3-prepare-run",
    ),
]

SIDE_EFFECTS = [
    # -- Redis / Upstash / Vercel KV ---------------------------------------------------
    *(
        pytest.param(
            f""""use server";
import {{ Redis }} from "@upstash/redis";

const redis = Redis.fromEnv();

export async function touch(key: string) {{
  await redis.{call};
}}
""",
            [("GF001", "touch", 7)],
            id=f"redis-{call.split('(')[0]}",
        )
        for call in (
            'set(key, "1")',
            "del(key)",
            'hset(key, { seen: "1" })',
            "incr(key)",
            "expire(key, 60)",
            'lpush(key, "event")',
            'zadd(key, { score: 1, member: "a" })',
        )
    ),
    pytest.param(
        """"use server";
import { kv } from "@vercel/kv";

export async function saveDraft(id: string, body: string) {
  await kv.set(`draft:${id}`, body);
}
""",
        [("GF001", "saveDraft", 5)],
        id="vercel-kv-set",
    ),
    # -- Stripe ------------------------------------------------------------------------
    pytest.param(
        """"use server";
import { stripe } from "@/lib/stripe";

export async function createCustomer(email: string) {
  await stripe.customers.create({ email });
}
""",
        [("GF001", "createCustomer", 5)],
        id="stripe-customers-create",
    ),
    pytest.param(
        """"use server";
import { stripe } from "@/lib/stripe";

export async function changePlan(subscriptionId: string, price: string) {
  await stripe.subscriptions.update(subscriptionId, { items: [{ price }] });
}
""",
        [("GF001", "changePlan", 5)],
        id="stripe-subscriptions-update",
    ),
    pytest.param(
        """"use server";
import { stripe } from "@/lib/stripe";

export async function cancelPlan(subscriptionId: string) {
  await stripe.subscriptions.cancel(subscriptionId);
}
""",
        [("GF001", "cancelPlan", 5)],
        id="stripe-subscriptions-cancel",
    ),
    pytest.param(
        """"use server";
import { stripe } from "@/lib/stripe";

export async function deleteCustomer(customerId: string) {
  await stripe.customers.del(customerId);
}
""",
        [("GF001", "deleteCustomer", 5)],
        id="stripe-customers-del",
    ),
    # -- Email -------------------------------------------------------------------------
    pytest.param(
        """"use server";
import { Resend } from "resend";

const resend = new Resend(process.env.RESEND_API_KEY);

export async function sendInvite(to: string) {
  await resend.emails.send({ from: "team@example.com", to, subject: "Hi", html: "<p>Hi</p>" });
}
""",
        [("GF001", "sendInvite", 7)],
        id="resend-emails-send",
    ),
    pytest.param(
        """"use server";
import nodemailer from "nodemailer";

const transporter = nodemailer.createTransport({ host: "smtp.example.com", port: 587 });

export async function sendNewsletter(to: string) {
  await transporter.sendMail({ from: "news@example.com", to, subject: "News", text: "Hi" });
}
""",
        [("GF001", "sendNewsletter", 7)],
        id="nodemailer-sendMail",
    ),
    *(
        pytest.param(
            f""""use server";
import {{ Resend }} from "resend";

const resend = new Resend(process.env.RESEND_API_KEY);

export async function contact(email: string, message: string) {{
  await resend.emails.send({{ from: "site@example.com", to: {to}, replyTo: email, subject: "Contact", text: message }});
}}
""",
            expected,
            id=f"contact-form-mail-to-{name}",
        )
        for name, to, expected in [
            ("a-literal-is-no-write", '"owner@example.com"', []),
            ("a-setting-is-no-write", "process.env.CONTACT_TO", []),
            ("several-settings-is-no-write", "[env.SUPPORT, env.SALES]", []),
            ("the-input-is-a-write", "email", [("GF001", "contact", 7)]),
            ("a-mix-is-a-write", '["owner@example.com", email]', [("GF001", "contact", 7)]),
        ]
    ),
    # -- Files -------------------------------------------------------------------------
    pytest.param(
        """"use server";
import fs from "fs";

export async function saveNote(body: string) {
  fs.writeFile("notes.txt", body, () => {});
}
""",
        [("GF001", "saveNote", 5)],
        id="fs-default-import-writeFile",
    ),
    pytest.param(
        """"use server";
import { writeFile } from "fs/promises";

export async function saveNoteNamed(body: string) {
  await writeFile("notes.txt", body);
}
""",
        [("GF001", "saveNoteNamed", 5)],
        id="fs-promises-named-writeFile",
    ),
    pytest.param(
        """"use server";
import fs from "fs";

export async function saveNotePromises(body: string) {
  await fs.promises.writeFile("notes.txt", body);
}
""",
        [("GF001", "saveNotePromises", 5)],
        id="fs-promises-member-writeFile",
    ),
    pytest.param(
        """"use server";
import { writeFile } from "node:fs/promises";

export async function saveNoteNode(body: string) {
  await writeFile("notes.txt", body);
}
""",
        [("GF001", "saveNoteNode", 5)],
        id="node-fs-promises-writeFile",
    ),
    pytest.param(
        """"use server";
import * as fs from "node:fs/promises";

export async function removeNote(name: string) {
  await fs.unlink(`notes/${name}`);
}
""",
        [("GF001", "removeNote", 5)],
        id="node-fs-promises-namespace-unlink",
    ),
    # -- Object storage ----------------------------------------------------------------
    pytest.param(
        """"use server";
import { put } from "@vercel/blob";

export async function uploadFile(file: File) {
  await put(file.name, file, { access: "public" });
}
""",
        [("GF001", "uploadFile", 5)],
        id="vercel-blob-put",
    ),
    pytest.param(
        """"use server";
import { del } from "@vercel/blob";

export async function deleteFile(url: string) {
  await del(url);
}
""",
        [("GF001", "deleteFile", 5)],
        id="vercel-blob-del",
    ),
    pytest.param(
        """"use server";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const s3 = new S3Client({ region: "us-east-1" });

export async function uploadObject(key: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: "uploads", Key: key, Body: body }));
}
""",
        [("GF001", "uploadObject", 7)],
        id="s3-put-object",
    ),
    pytest.param(
        """"use server";
import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";

const s3 = new S3Client({ region: "us-east-1" });

export async function deleteObject(key: string) {
  await s3.send(new DeleteObjectCommand({ Bucket: "uploads", Key: key }));
}
""",
        [("GF001", "deleteObject", 7)],
        id="s3-delete-object",
    ),
]

NOT_MUTATIONS = [
    # -- database reads ----------------------------------------------------------------
    *(
        pytest.param(prisma_action("readPosts", f"return prisma.post.{call};"), [], id=ident)
        for ident, call in (
            ("prisma-findMany", "findMany({ where: { title } })"),
            ("prisma-findUnique", "findUnique({ where: { id } })"),
            ("prisma-findFirst", "findFirst({ where: { title } })"),
            ("prisma-count", "count({ where: { title } })"),
            ("prisma-aggregate", "aggregate({ _count: { id: true } })"),
        )
    ),
    pytest.param(
        prisma_action("readRaw", 'return prisma.$queryRaw`SELECT * FROM "Post" WHERE id = ${id}`;'),
        [],
        id="prisma-queryRaw",
    ),
    pytest.param(
        """"use server";
import { db } from "@/db";
import { posts } from "@/db/schema";

export async function listPostsDrizzle() {
  return db.select().from(posts);
}
""",
        [],
        id="drizzle-select",
    ),
    pytest.param(
        """"use server";
import { createClient } from "@/utils/supabase/server";

export async function listPostsSupabase() {
  const supabase = await createClient();
  const { data } = await supabase.from("posts").select("*").eq("published", true);
  return data;
}
""",
        [],
        id="supabase-select",
    ),
    pytest.param(
        """"use server";
import { sql } from "@vercel/postgres";

export async function listPostsSql(id: string) {
  const { rows } = await sql`SELECT * FROM posts WHERE id = ${id}`;
  return rows;
}
""",
        [],
        id="sql-select-tag",
    ),
    # -- Next.js request and cache APIs ------------------------------------------------
    pytest.param(
        """"use server";
import { cookies } from "next/headers";

export async function setTheme(theme: string) {
  cookies().set("theme", theme);
}
""",
        [],
        id="cookies-set",
    ),
    pytest.param(
        """"use server";
import { cookies } from "next/headers";

export async function clearBanner() {
  (await cookies()).delete("x");
}
""",
        [],
        id="cookies-delete",
    ),
    pytest.param(
        """"use server";
import { revalidatePath, revalidateTag } from "next/cache";

export async function refresh() {
  revalidatePath("/posts");
  revalidateTag("posts");
}
""",
        [],
        id="revalidate",
    ),
    pytest.param(
        """"use server";
import { redirect } from "next/navigation";

export async function goHome() {
  redirect("/");
}
""",
        [],
        id="redirect",
    ),
    # -- look-alikes -------------------------------------------------------------------
    pytest.param(
        """"use server";
import OpenAI from "openai";

const openai = new OpenAI();

export async function summarize(text: string) {
  const completion = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: text }],
  });
  return completion.choices[0].message.content;
}
""",
        [],
        id="openai-chat-completions-create",
    ),
    pytest.param(
        """"use server";
import Anthropic from "@anthropic-ai/sdk";

const anthropic = new Anthropic();

export async function draftReply(text: string) {
  return anthropic.messages.create({
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    messages: [{ role: "user", content: text }],
  });
}
""",
        [],
        id="anthropic-messages-create",
    ),
    pytest.param(
        """"use server";

export async function makeBag() {
  const bag = Object.create(null);
  return JSON.parse(JSON.stringify(bag));
}
""",
        [],
        id="object-create-json-parse",
    ),
    pytest.param(
        """"use server";

export async function forget(k: string) {
  return new Map<string, string>().delete(k);
}
""",
        [],
        id="new-map-delete",
    ),
    pytest.param(
        """"use server";

const seen = new Set<string>();

export async function unsee(x: string) {
  const set = seen;
  set.delete(x);
}
""",
        [],
        id="set-delete",
    ),
    pytest.param(
        """"use server";

const cache = new Map<string, string>();

export async function remember(k: string, v: string) {
  cache.set(k, v);
}
""",
        [],
        id="map-cache-set",
    ),
    pytest.param(
        """"use server";

export async function firstTwo(items: string[]) {
  const copy = [...items];
  copy.splice(2);
  return copy;
}
""",
        [],
        id="array-splice",
    ),
    pytest.param(
        """"use server";

export async function getWeather() {
  const res = await fetch("https://api.example.com", { method: "GET" });
  return res.json();
}
""",
        [],
        id="fetch-get",
    ),
    pytest.param(
        """"use server";
import { Redis } from "@upstash/redis";

const redis = Redis.fromEnv();

export async function readCounter(key: string) {
  return redis.get(key);
}
""",
        [],
        id="redis-get",
    ),
    pytest.param(
        """"use server";
import { stripe } from "@/lib/stripe";

export async function getCustomer(customerId: string) {
  return stripe.customers.retrieve(customerId);
}
""",
        [],
        id="stripe-customers-retrieve",
    ),
    pytest.param(
        """"use server";
import fs from "fs/promises";

export async function readNote() {
  return fs.readFile("notes.txt", "utf8");
}
""",
        [],
        id="fs-readFile",
    ),
]

REMOVE_POST = """import { prisma } from "@/lib/prisma";

export async function removePost(id: string) {
  await prisma.post.delete({ where: { id } });
}
"""

CALLS_REMOVE_POST = """"use server";
import { removePost } from "{specifier}";

export async function deletePost(id: string) {
  await removePost(id);
}
"""

TSCONFIG = """{
  // JSONC, as tsconfig allows
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@/*": ["./*"] },
  },
}
"""

THROUGH_HELPERS = [
    pytest.param(
        {
            "app/actions.ts": """"use server";
import { prisma } from "@/lib/prisma";

async function removePost(id: string) {
  await prisma.post.delete({ where: { id } });
}

export async function deletePost(id: string) {
  await removePost(id);
}
""",
        },
        [("GF001", "deletePost", 9)],
        id="same-file-helper",
    ),
    pytest.param(
        {
            "app/actions.ts": CALLS_REMOVE_POST.replace("{specifier}", "./lib/posts"),
            "app/lib/posts.ts": REMOVE_POST,
        },
        [("GF001", "deletePost", 5)],
        id="relative-import-helper",
    ),
    pytest.param(
        {
            "app/actions.ts": CALLS_REMOVE_POST.replace("{specifier}", "@/lib/posts"),
            "lib/posts.ts": REMOVE_POST,
            "tsconfig.json": TSCONFIG,
        },
        [("GF001", "deletePost", 5)],
        id="tsconfig-alias-helper",
    ),
    pytest.param(
        {
            "app/actions.ts": CALLS_REMOVE_POST.replace("{specifier}", "./lib/posts"),
            "app/lib/posts.ts": """import { eq } from "drizzle-orm";
import { db } from "@/db";
import { posts } from "@/db/schema";

export const removePost = async (id: string) => db.delete(posts).where(eq(posts.id, id));
""",
        },
        [("GF001", "deletePost", 5)],
        id="arrow-helper-drizzle-chain",
    ),
    pytest.param(
        {
            "app/actions.ts": """"use server";
import { archivePost } from "./lib/archive";

export async function archive(id: string) {
  const note = "archiving";
  await archivePost(id);
  return note;
}
""",
            "app/lib/archive.ts": """import { removePost } from "./posts";

export async function archivePost(id: string) {
  await removePost(id);
}
""",
            "app/lib/posts.ts": REMOVE_POST,
        },
        [("GF001", "archive", 6)],
        id="helper-two-levels-deep",
    ),
    pytest.param(
        {
            "app/actions.ts": CALLS_REMOVE_POST.replace("{specifier}", "./lib/posts"),
            "app/lib/posts.ts": """import { prisma } from "@/lib/prisma";

export async function removePost(id: string) {
  return prisma.post.findUnique({ where: { id } });
}
""",
        },
        [],
        id="helper-only-reads",
    ),
    pytest.param(
        {
            "app/actions.ts": CALLS_REMOVE_POST.replace("{specifier}", "./lib/posts"),
            "app/lib/posts.ts": """import { auth } from "@/auth";
import { prisma } from "@/lib/prisma";

export async function removePost(id: string) {
  const s = await auth();
  if (!s) throw new Error("Unauthorized");
  await prisma.post.delete({ where: { id, authorId: s.user.id } });
}
""",
        },
        [],
        id="helper-checks-session",
    ),
]


# SDKs that share Prisma's `<client>.<model>.<op>()` shape keep their own kind.
LOOKALIKES = [
    pytest.param("stripe.customers.create({ email });", ["stripe"], id="stripe-create"),
    pytest.param("stripe.subscriptions.update(id, { items });", ["stripe"], id="stripe-update"),
    pytest.param("openai.chat.completions.create({ model, messages });", [], id="openai"),
    pytest.param("openai.images.generate({ model, prompt });", [], id="openai-images"),
    pytest.param("this.prisma.post.create(input);", ["prisma"], id="this-prisma"),
    pytest.param("getDb().post.delete({ where: { id } });", ["prisma"], id="db-getter"),
    pytest.param("client.post.upsert({ where, create, update });", ["prisma"], id="where-arg"),
    pytest.param("client.post.create(input);", [], id="unknown-client-unknown-args"),
]


@pytest.mark.parametrize(("source", "expected"), DATABASE_WRITES)
def test_database_writes(project: Project, source: str, expected: Findings) -> None:
    assert project(source) == expected


@pytest.mark.parametrize(("source", "expected"), SIDE_EFFECTS)
def test_side_effects(project: Project, source: str, expected: Findings) -> None:
    assert project(source) == expected


@pytest.mark.parametrize(("source", "expected"), NOT_MUTATIONS)
def test_not_mutations(project: Project, source: str, expected: Findings) -> None:
    assert project(source) == expected


@pytest.mark.parametrize(("files", "expected"), THROUGH_HELPERS)
def test_mutations_through_helpers(
    project: Project, files: dict[str, str], expected: Findings
) -> None:
    assert project(files) == expected


@pytest.mark.parametrize(("statement", "apis"), LOOKALIKES)
def test_lookalike_sdks_keep_their_kind(statement: str, apis: list[str]) -> None:
    content = statement.encode()
    module = build_module("app/actions.ts", content, parse("app/actions.ts", content))
    calls = (n for n in walk(module.root) if n.type == "call_expression")
    found = [m.api for call in calls if (m := classify_call(call, module)) is not None]
    assert found == apis


def action(body: str, imports: str = "") -> str:
    """One unguarded action whose single body line is line 4 (after one import line)."""
    return f'"use server";\n{imports}\nexport async function act(id: string) {{\n  {body}\n}}\n'


MORE_APIS = [
    pytest.param(
        action("await db.execute<{ id: string }>(`DELETE FROM notes WHERE id = ${id}`);"),
        [("GF001", "act", 4)],
        id="generic-call-raw-sql",
    ),
    pytest.param(
        action("await db.note.delete<Prisma.NoteDeleteArgs>({ where: { id } });"),
        [("GF001", "act", 4)],
        id="generic-call-prisma",
    ),
    pytest.param(
        action('await supabase.from<Todo>("todos").delete().eq("id", id);'),
        [("GF001", "act", 4)],
        id="generic-call-supabase",
    ),
    pytest.param(
        action("await getDb().insert(notes).values({ id });"),
        [("GF001", "act", 4)],
        id="drizzle-client-from-a-call",
    ),
    pytest.param(
        action('await s3.deleteObject({ Bucket: "b", Key: id }).promise();'),
        [("GF001", "act", 4)],
        id="s3-v2-client-method",
    ),
    pytest.param(
        action(
            'await deleteDoc(doc(db, "notes", id));',
            'import { deleteDoc, doc } from "firebase/firestore";',
        ),
        [("GF001", "act", 4)],
        id="firestore-deleteDoc",
    ),
    pytest.param(
        action("await utapi.deleteFiles([id]);"),
        [("GF001", "act", 4)],
        id="uploadthing-deleteFiles",
    ),
    pytest.param(
        action('await resend.contacts.create({ email: id, audienceId: "a" });'),
        [("GF001", "act", 4)],
        id="resend-contacts",
    ),
    pytest.param(
        action("await supabase.auth.admin.deleteUser(id);"),
        [("GF001", "act", 4)],
        id="supabase-admin-deleteUser",
    ),
    pytest.param(
        action(
            'await (await clerkClient()).users.updateUserMetadata(id, { publicMetadata: { role: "admin" } });'
        ),
        [("GF001", "act", 4)],
        id="clerk-metadata-for-any-user",
    ),
    pytest.param(
        action("await cloudinary.uploader.destroy(id);"),
        [("GF001", "act", 4)],
        id="cloudinary-destroy",
    ),
]


@pytest.mark.parametrize(("source", "expected"), MORE_APIS)
def test_more_apis(project: Project, source: str, expected: Findings) -> None:
    assert project(source, path="app/actions.ts") == expected


S3 = 'import { PutObjectCommand, GetObjectCommand, CopyObjectCommand } from "@aws-sdk/client-s3";'
PRESIGN = f'{S3} import {{ getSignedUrl }} from "@aws-sdk/s3-request-presigner";'
FIRESTORE = 'import { addDoc, setDoc, updateDoc, getDoc, getDocs, onSnapshot, doc, collection } from "firebase/firestore";'
ADMIN_DB = 'import { adminDb } from "@/lib/firebase-admin";'
WRITE = [("GF001", "act", 4)]

# Each kind of write, with look-alikes from the same SDK that only read.
MORE_WRITES = [
    # -- presigned uploads: the action hands out a URL that writes -------------------------
    pytest.param(
        action('return getSignedUrl(s3, new PutObjectCommand({ Bucket: "b", Key: id }));', PRESIGN),
        WRITE,
        id="presign-put-object",
    ),
    pytest.param(
        action('return getSignedUrl(s3, new GetObjectCommand({ Bucket: "b", Key: id }));', PRESIGN),
        [],
        id="presign-get-object-reads",
    ),
    pytest.param(
        action(
            'const command = new PutObjectCommand({ Bucket: "b", Key: id }); '
            "return getSignedUrl(s3, command, { expiresIn: 60 });",
            PRESIGN,
        ),
        WRITE,
        id="presign-put-object-variable",
    ),
    pytest.param(
        action(
            'const command = new GetObjectCommand({ Bucket: "b", Key: id }); '
            "return getSignedUrl(s3, command);",
            PRESIGN,
        ),
        [],
        id="presign-get-object-variable-reads",
    ),
    pytest.param(
        action(
            'return getSignedUrl({ url: id, keyPairId: "k", privateKey: "p", dateLessThan: "d" });',
            'import { getSignedUrl } from "@aws-sdk/cloudfront-signer";',
        ),
        [],
        id="cloudfront-signed-url-reads",
    ),
    pytest.param(
        action(
            'return createPresignedPost(s3, { Bucket: "b", Key: id });',
            'import { createPresignedPost } from "@aws-sdk/s3-presigned-post";',
        ),
        WRITE,
        id="presigned-post",
    ),
    pytest.param(
        action('return s3.getSignedUrlPromise("putObject", { Bucket: "b", Key: id });'),
        WRITE,
        id="s3-v2-presign-put",
    ),
    pytest.param(
        action('return s3.getSignedUrl("getObject", { Bucket: "b", Key: id });'),
        [],
        id="s3-v2-presign-get-reads",
    ),
    pytest.param(
        action('return supabase.storage.from("avatars").createSignedUploadUrl(`u/${id}`);'),
        WRITE,
        id="supabase-signed-upload-url",
    ),
    pytest.param(
        action('return supabase.storage.from("avatars").createSignedUrl(`u/${id}`, 60);'),
        [],
        id="supabase-signed-url-reads",
    ),
    pytest.param(
        action(
            'await s3.send(new CopyObjectCommand({ Bucket: "b", CopySource: id, Key: "k" }));', S3
        ),
        WRITE,
        id="s3-send-copy-object",
    ),
    pytest.param(
        action('return s3.send(new GetObjectCommand({ Bucket: "b", Key: id }));', S3),
        [],
        id="s3-send-get-object-reads",
    ),
    # -- fetch to another service ---------------------------------------------------------
    *(
        pytest.param(
            action(f'await fetch(`https://api.example.com/items/${{id}}`, {{ method: "{m}" }});'),
            WRITE,
            id=f"fetch-{m}",
        )
        for m in ("POST", "put", "PATCH", "Delete")
    ),
    *(
        pytest.param(action(body), [], id=ident)
        for ident, body in (
            ("fetch-no-options", "return fetch(`https://api.example.com/items/${id}`);"),
            ("fetch-GET", 'return fetch("https://api.example.com/items", { method: "GET" });'),
            ("fetch-HEAD", 'return fetch("https://api.example.com/items", { method: "HEAD" });'),
            ("fetch-no-method", 'return fetch("https://api.example.com", { cache: "no-store" });'),
            ("fetch-method-unknown", 'return fetch("https://api.example.com", { method: id });'),
        )
    ),
    pytest.param(
        action(
            'const options = { method: "DELETE", headers: { "x-id": id } }; '
            'await fetch("https://api.example.com/items", options);'
        ),
        WRITE,
        id="fetch-options-variable",
    ),
    pytest.param(
        action('const method = "POST"; await fetch("https://api.example.com/items", { method });'),
        WRITE,
        id="fetch-method-variable",
    ),
    pytest.param(
        action(
            'const options = { headers: { "x-id": id } }; '
            'return fetch("https://api.example.com/items", options);'
        ),
        [],
        id="fetch-options-variable-no-method",
    ),
    pytest.param(
        action(
            'await fetch("https://api.example.com/items", { method: "POST" });',
            'import { fetch } from "@/lib/cached-fetch";',
        ),
        [],
        id="fetch-project-wrapper-not-fetch",
    ),
    pytest.param(
        action(
            'await fetch("https://api.example.com/items", { method: "POST" });',
            'import fetch from "node-fetch";',
        ),
        WRITE,
        id="fetch-node-fetch",
    ),
    # A POST whose last path segment names a question only asks it; anything else writes.
    *(
        pytest.param(action(f"return fetch({url}, {{ method: 'POST', body: id }});"), [], id=ident)
        for ident, url in (
            ("fetch-post-validate", '"https://geo.example.com/v2/places/validate"'),
            ("fetch-post-estimate", '"https://ship.example.com/v1/fares/estimate?x=1"'),
            ("fetch-post-search-template", "`${process.env.SEARCH_URL}/indexes/books/_search`"),
            ("fetch-post-validate-words", '"https://api.example.com/validate-postcode/"'),
            ("fetch-post-concatenated", 'BASE + "/tax/calculate"'),
            ("fetch-post-new-url", 'new URL("/v1/lookup", "https://api.example.com")'),
        )
    ),
    pytest.param(
        action(
            'const url = "https://api.example.com/prices/quote"; '
            'return fetch(url, { method: "POST", body: id });'
        ),
        [],
        id="fetch-post-url-variable-asks",
    ),
    *(
        pytest.param(
            action(f"await fetch({url}, {{ method: 'POST', body: id }});"), WRITE, id=ident
        )
        for ident, url in (
            ("fetch-post-collection", '"https://api.example.com/v1/quotes"'),
            ("fetch-post-token-exchange", '"https://auth.example.com/oauth/token"'),
            ("fetch-post-create-quote", '"https://api.example.com/createQuote"'),
            ("fetch-post-validate-then-id", "`https://api.example.com/validate/${id}`"),
            ("fetch-post-url-unread", "endpoint"),
            ("fetch-post-search-in-the-host-only", '"https://search.example.com/documents"'),
        )
    ),
    pytest.param(
        action('await fetch("https://api.example.com/v1/orders/validate", { method: "PUT" });'),
        WRITE,
        id="fetch-put-to-a-question-still-writes",
    ),
    pytest.param(
        action(
            'return axios.post("https://api.example.com/address/verify", { id });',
            'import axios from "axios";',
        ),
        [],
        id="axios-post-verify-asks",
    ),
    # -- HTTP client packages -------------------------------------------------------------
    pytest.param(
        action(
            "await axios.post(`https://api.example.com/items/${id}`);", 'import axios from "axios";'
        ),
        WRITE,
        id="axios-post",
    ),
    pytest.param(
        action(
            "return axios.get(`https://api.example.com/items/${id}`);", 'import axios from "axios";'
        ),
        [],
        id="axios-get-reads",
    ),
    pytest.param(
        action(
            'const api = axios.create({ baseURL: "https://api.example.com" }); '
            "await api.delete(`/items/${id}`);",
            'import axios from "axios";',
        ),
        WRITE,
        id="axios-instance-delete",
    ),
    pytest.param(
        action("await ky.patch(`https://api.example.com/items/${id}`);", 'import ky from "ky";'),
        WRITE,
        id="ky-patch",
    ),
    pytest.param(
        action(
            "const queue = makeQueue(); await queue.post(id);",
            'import { makeQueue } from "@/lib/queue";',
        ),
        [],
        id="post-of-a-non-http-client",
    ),
    # -- Firestore, namespaced API (firebase-admin) ----------------------------------------
    pytest.param(
        action('await adminDb.collection("notes").add({ id });', ADMIN_DB),
        WRITE,
        id="firestore-collection-add",
    ),
    *(
        pytest.param(
            action(f'await adminDb.collection("notes").doc(id).{call};', ADMIN_DB),
            WRITE,
            id=f"firestore-doc-{call.split('(')[0]}",
        )
        for call in ("set({ id })", "update({ done: true })", "delete()", "create({ id })")
    ),
    *(
        pytest.param(action(f"return {expr};", ADMIN_DB), [], id=ident)
        for ident, expr in (
            ("firestore-doc-get-reads", 'adminDb.collection("notes").doc(id).get()'),
            (
                "firestore-where-get-reads",
                'adminDb.collection("notes").where("id", "==", id).get()',
            ),
            ("firestore-onSnapshot-reads", 'adminDb.collection("notes").onSnapshot(() => {})'),
        )
    ),
    pytest.param(
        action('const ref = adminDb.collection("notes").doc(id); await ref.delete();', ADMIN_DB),
        WRITE,
        id="firestore-doc-ref-variable-delete",
    ),
    pytest.param(
        action(
            'const ref = adminDb.collection("users").doc(id).collection("chat"); await ref.add({ id });',
            ADMIN_DB,
        ),
        WRITE,
        id="firestore-subcollection-variable-add",
    ),
    pytest.param(
        action('const ref = adminDb.collection("notes").doc(id); return ref.get();', ADMIN_DB),
        [],
        id="firestore-doc-ref-variable-get-reads",
    ),
    pytest.param(
        action(
            "const batch = adminDb.batch(); batch.delete(adminDb.doc(`notes/${id}`)); "
            "await batch.commit();",
            ADMIN_DB,
        ),
        WRITE,
        id="firestore-batch-commit",
    ),
    pytest.param(
        action(
            "await adminDb.runTransaction(async (t) => t.update(adminDb.doc(id), { n: 1 }));",
            ADMIN_DB,
        ),
        WRITE,
        id="firestore-run-transaction",
    ),
    pytest.param(
        action("const tx = await pool.begin(); await tx.commit();"),
        [],
        id="commit-of-a-non-batch",
    ),
    # -- Firestore, modular API (firebase v9 client SDK) ------------------------------------
    *(
        pytest.param(
            action(f"await {call};", FIRESTORE), WRITE, id=f"firestore-{call.split('(')[0]}"
        )
        for call in (
            'addDoc(collection(db, "notes"), { id })',
            'setDoc(doc(db, "notes", id), { id })',
            'updateDoc(doc(db, "notes", id), { done: true })',
        )
    ),
    *(
        pytest.param(
            action(f"return {call};", FIRESTORE), [], id=f"firestore-{call.split('(')[0]}-reads"
        )
        for call in (
            'getDoc(doc(db, "notes", id))',
            'getDocs(collection(db, "notes"))',
            'onSnapshot(doc(db, "notes", id), () => {})',
        )
    ),
    pytest.param(
        action(
            'await uploadBytes(ref(storage, `u/${id}`), new Blob(["x"]));',
            'import { ref, uploadBytes } from "firebase/storage";',
        ),
        WRITE,
        id="firebase-storage-uploadBytes",
    ),
    pytest.param(
        action(
            "return getDownloadURL(ref(storage, `u/${id}`));",
            'import { ref, getDownloadURL } from "firebase/storage";',
        ),
        [],
        id="firebase-storage-getDownloadURL-reads",
    ),
    # -- firebase-admin auth and storage -----------------------------------------------
    pytest.param(
        action("await admin.auth().deleteUser(id);", 'import admin from "firebase-admin";'),
        WRITE,
        id="firebase-admin-deleteUser",
    ),
    pytest.param(
        action(
            "await getAuth().setCustomUserClaims(id, { admin: true });",
            'import { getAuth } from "firebase-admin/auth";',
        ),
        WRITE,
        id="firebase-admin-setCustomUserClaims",
    ),
    pytest.param(
        action(
            "await adminAuth.updateUser(id, { disabled: true });",
            'import { adminAuth } from "@/lib/firebase-admin";',
        ),
        WRITE,
        id="firebase-admin-auth-from-project-module",
    ),
    pytest.param(
        action("return getAuth().getUser(id);", 'import { getAuth } from "firebase-admin/auth";'),
        [],
        id="firebase-admin-getUser-reads",
    ),
    pytest.param(
        action(
            "const supabase = await createClient(); await supabase.auth.updateUser({ data: { id } });",
            'import { createClient } from "@/utils/supabase/server";',
        ),
        [],
        id="supabase-own-user-update-not-firebase",
    ),
    pytest.param(
        action(
            'await adminStorage.bucket("b").file(`u/${id}`).delete();',
            'import { adminStorage } from "@/lib/firebase-admin";',
        ),
        WRITE,
        id="cloud-storage-file-delete",
    ),
    pytest.param(
        action(
            'const bucket = storage.bucket("b"); await bucket.upload(`/tmp/${id}`);',
            'import { storage } from "@/lib/gcs";',
        ),
        WRITE,
        id="cloud-storage-bucket-upload",
    ),
    pytest.param(
        action(
            'return adminStorage.bucket("b").file(`u/${id}`).download();',
            'import { adminStorage } from "@/lib/firebase-admin";',
        ),
        [],
        id="cloud-storage-file-download-reads",
    ),
    # -- Appwrite ----------------------------------------------------------------------
    pytest.param(
        action(
            'const { database } = await createAdminClient(); await database.createDocument("d", "c", id, {});'
        ),
        WRITE,
        id="appwrite-database-createDocument",
    ),
    pytest.param(
        action('await tablesDB.deleteRow({ databaseId: "d", tableId: "t", rowId: id });'),
        WRITE,
        id="appwrite-tablesdb-deleteRow",
    ),
    pytest.param(
        action(
            'const { database } = await createAdminClient(); return database.listDocuments("d", "c");'
        ),
        [],
        id="appwrite-listDocuments-reads",
    ),
    # -- Stripe ------------------------------------------------------------------------
    *(
        pytest.param(action(f"await stripe.{call};"), WRITE, id=f"stripe-{call.split('(')[0]}")
        for call in (
            'checkout.sessions.create({ customer: id, mode: "subscription" })',
            'billingPortal.sessions.create({ customer: id, return_url: "/" })',
            "refunds.create({ payment_intent: id })",
            "subscriptions.cancel(id)",
            "customers.update(id, { name: id })",
            "subscriptionSchedules.release(id)",
        )
    ),
    pytest.param(
        action("await (await getStripe()).subscriptions.cancel(id);"),
        WRITE,
        id="stripe-client-from-a-call",
    ),
    pytest.param(
        action("await this.stripe.customers.del(id);"),
        WRITE,
        id="stripe-client-on-this",
    ),
    pytest.param(
        action("await stripeEvents.create(id);"),
        [],
        id="stripe-named-object-not-a-client",
    ),
    *(
        pytest.param(action(f"return stripe.{call};"), [], id=f"stripe-{call.split('(')[0]}-reads")
        for call in (
            "checkout.sessions.retrieve(id)",
            "subscriptions.list({ customer: id })",
            "invoices.retrieveUpcoming({ customer: id })",
        )
    ),
]


@pytest.mark.parametrize(("source", "expected"), MORE_WRITES)
def test_more_writes(project: Project, source: str, expected: Findings) -> None:
    assert project(source, path="app/actions.ts") == expected


def _classified(statement: str) -> list[Mutation]:
    content = statement.encode()
    module = build_module("app/actions.ts", content, parse("app/actions.ts", content))
    found = []
    for node in walk(module.root):
        if node.type == "call_expression":
            mutation = classify_call(node, module)
        elif node.type == "new_expression":
            mutation = classify_new(node, module)
        else:
            continue
        if mutation is not None:
            found.append(mutation)
    return found


# How a message names the write, and which kind it is: none of these is an ORM the owner
# filter fixes know.
LABELS = [
    pytest.param('fetch(u, { method: "post" });', ("http", "fetch POST"), id="fetch"),
    pytest.param(
        'import axios from "axios";\naxios.delete(u);', ("http", "axios.delete"), id="axios"
    ),
    pytest.param(
        "stripe.checkout.sessions.create({ customer });",
        ("stripe", "stripe.checkout.sessions.create"),
        id="stripe-checkout",
    ),
    pytest.param(
        'db.collection("n").doc(id).delete();',
        ("firestore", "firestore doc.delete"),
        id="firestore",
    ),
    pytest.param(
        f"{PRESIGN}\ngetSignedUrl(s3, new PutObjectCommand({{}}));",
        ("s3", "getSignedUrl(PutObjectCommand)"),
        id="presign-reported-once",
    ),
    pytest.param(
        'import admin from "firebase-admin";\nadmin.auth().deleteUser(id);',
        ("firebase-auth", "firebase auth.deleteUser"),
        id="firebase-auth",
    ),
]


@pytest.mark.parametrize(("statement", "expected"), LABELS)
def test_labels(statement: str, expected: tuple[str, str]) -> None:
    assert [(m.api, m.label) for m in _classified(statement)] == [expected]


# The ids a Stripe call acts on, for the identity rules: which customer, subscription or
# connected account the caller's input may name.
STRIPE_SUBJECTS = [
    pytest.param(
        "stripe.checkout.sessions.create({ customer: input.customerId, mode });",
        [("customer", "input.customerId")],
        id="checkout-customer-key",
    ),
    pytest.param(
        "stripe.billingPortal.sessions.create({ customer, return_url });",
        [("customer", "customer")],
        id="portal-customer-shorthand",
    ),
    pytest.param(
        "stripe.subscriptions.update(subscriptionId, { items });",
        [("subscription", "subscriptionId")],
        id="subscription-first-argument",
    ),
    pytest.param("stripe.customers.del(cid);", [("customer", "cid")], id="customer-del"),
    pytest.param(
        "stripe.transfers.create({ amount, destination: acct });",
        [("account", "acct")],
        id="transfer-destination",
    ),
    pytest.param(
        "stripe.refunds.create({ charge }, { stripeAccount: acct });",
        [("account", "acct")],
        id="connect-request-option",
    ),
    pytest.param(
        "const params = { customer: cid, mode }; stripe.checkout.sessions.create(params);",
        [("customer", "cid")],
        id="params-variable",
    ),
    pytest.param("stripe.products.create({ name });", [], id="no-subject"),
]


@pytest.mark.parametrize(("statement", "expected"), STRIPE_SUBJECTS)
def test_stripe_subjects(statement: str, expected: list[tuple[str, str]]) -> None:
    (mutation,) = _classified(statement)
    assert [(kind, text(node)) for kind, node in mutation.subjects] == expected


GUARDED_FETCH = """"use server";
import { auth } from "@/auth";

export async function removeItem(id: string) {
  const session = await auth();
  {check}
  await fetch(`https://api.example.com/items/${id}`, { method: "DELETE" });
}
"""

# A write to another service is a write: an action that sends one needs a checked session.
FETCH_RULES = [
    pytest.param(
        GUARDED_FETCH.replace("{check}", 'if (!session?.user) throw new Error("Unauthorized");'),
        [],
        id="checked-session",
    ),
    pytest.param(
        GUARDED_FETCH.replace("{check}", ""), [("GF004", "removeItem", 7)], id="unchecked"
    ),
    pytest.param(
        GUARDED_FETCH.replace("  const session = await auth();\n", "").replace("{check}", ""),
        [("GF001", "removeItem", 6)],
        id="no-session",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FETCH_RULES)
def test_fetch_write_rules(project: Project, source: str, expected: Findings) -> None:
    assert project(source) == expected
