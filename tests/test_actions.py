"""Which functions are server actions: every form people write them in."""

from __future__ import annotations

import pytest

DELETE = "await prisma.post.delete({ where: { id } });"

FILE_FORMS = [
    pytest.param(
        f'"use server";\nexport async function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [("GF001", "deletePost", 3)],
        id="export-async-function",
    ),
    pytest.param(
        f"'use server'\nexport async function deletePost(id: string) {{\n  {DELETE}\n}}\n",
        [("GF001", "deletePost", 3)],
        id="single-quotes-no-semicolon",
    ),
    pytest.param(
        f'// Post actions\n/* shared */\n"use server";\n\nexport async function deletePost(id: string) {{\n'
        f"  {DELETE}\n}}\n",
        [("GF001", "deletePost", 6)],
        id="comments-before-directive",
    ),
    pytest.param(
        f'"use server";\nexport const deletePost = async (id: string) => {{\n  {DELETE}\n}};\n',
        [("GF001", "deletePost", 3)],
        id="export-const-arrow",
    ),
    pytest.param(
        '"use server";\nexport const deletePost = async (id: string) =>\n  prisma.post.delete({ where: { id } });\n',
        [("GF001", "deletePost", 3)],
        id="export-const-arrow-expression-body",
    ),
    pytest.param(
        f'"use server";\nexport const deletePost = async function (id: string) {{\n  {DELETE}\n}};\n',
        [("GF001", "deletePost", 3)],
        id="export-const-function-expression",
    ),
    pytest.param(
        f'"use server";\nexport default async function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [("GF001", "deletePost", 3)],
        id="export-default-named",
    ),
    pytest.param(
        f'"use server";\nexport default async function (id: string) {{\n  {DELETE}\n}}\n',
        [("GF001", "default", 3)],
        id="export-default-anonymous",
    ),
    pytest.param(
        f'"use server";\nasync function remove(id: string) {{\n  {DELETE}\n}}\n'
        "export { remove as deletePost };\n",
        [("GF001", "deletePost", 3)],
        id="export-clause-alias",
    ),
    pytest.param(
        f'"use server";\nconst deletePost = async (id: string) => {{\n  {DELETE}\n}};\n'
        "export { deletePost };\n",
        [("GF001", "deletePost", 3)],
        id="export-clause-const",
    ),
    pytest.param(
        f'"use server";\nasync function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [],
        id="not-exported-is-not-an-endpoint",
    ),
    pytest.param(
        f'"use server";\nexport function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [],
        id="not-async-is-rejected-by-nextjs",
    ),
    pytest.param(
        f'import {{ prisma }} from "@/lib/prisma";\n"use server";\n'
        f"export async function deletePost(id: string) {{\n  {DELETE}\n}}\n",
        [],
        id="directive-not-first-statement",
    ),
    pytest.param(
        f'"use client";\nexport async function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [],
        id="use-client-file",
    ),
    pytest.param(
        f'const x = "use server";\nexport async function deletePost(id: string) {{\n  {DELETE}\n}}\n',
        [],
        id="string-that-is-not-a-directive",
    ),
]


INLINE_FORMS = [
    pytest.param(
        "export default function Page() {\n"
        "  async function clear() {\n"
        '    "use server";\n'
        "    await prisma.post.deleteMany({ where: { title: '' } });\n"
        "  }\n"
        "  return <form action={clear}><button /></form>;\n"
        "}\n",
        [("GF001", "clear", 4)],
        id="function-in-page-component",
    ),
    pytest.param(
        "export default function Page() {\n"
        "  return (\n"
        "    <form\n"
        "      action={async (formData: FormData) => {\n"
        '        "use server";\n'
        '        await prisma.post.delete({ where: { id: String(formData.get("id")) } });\n'
        "      }}\n"
        "    />\n"
        "  );\n"
        "}\n",
        [("GF001", None, 6)],
        id="arrow-inline-in-jsx",
    ),
    pytest.param(
        "export default function Page() {\n"
        "  const remove = async function (id: string) {\n"
        "    'use server';\n"
        f"    {DELETE}\n"
        "  };\n"
        "  return <form action={remove.bind(null, '1')} />;\n"
        "}\n",
        [("GF001", "remove", 4)],
        id="function-expression-bound-to-const",
    ),
    pytest.param(
        "export default function Page() {\n"
        "  async function clear() {\n"
        "    await prisma.post.deleteMany({});\n"
        '    "use server";\n'
        "  }\n"
        "  return <form action={clear} />;\n"
        "}\n",
        [],
        id="directive-not-first-in-body",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FILE_FORMS)
def test_file_directive_forms(project, source: str, expected: list) -> None:
    assert project(source, path="app/actions/posts.ts") == expected


@pytest.mark.parametrize(("source", "expected"), INLINE_FORMS)
def test_inline_directive_forms(project, source: str, expected: list) -> None:
    assert project(source, path="app/posts/page.tsx") == expected


BUILT_FORMS = [
    pytest.param(
        '"use server";\n'
        'import { createSafeActionClient } from "next-safe-action";\n'
        'import { z } from "zod";\n'
        "const actionClient = createSafeActionClient();\n"
        "export const deletePost = actionClient\n"
        "  .schema(z.object({ id: z.string() }))\n"
        "  .action(async ({ parsedInput: { id } }) => {\n"
        f"    {DELETE}\n"
        "  });\n",
        [("GF001", "deletePost", 8)],
        id="next-safe-action-schema",
    ),
    pytest.param(
        '"use server";\n'
        'import { actionClient } from "./client";\n'
        "export const deletePost = actionClient\n"
        "  .inputSchema(schema)\n"
        "  .action(async ({ parsedInput: { id } }) => {\n"
        f"    {DELETE}\n"
        "  });\n",
        [("GF001", "deletePost", 6)],
        id="next-safe-action-input-schema",
    ),
    pytest.param(
        '"use server";\n'
        'import { createServerAction } from "zsa";\n'
        "export const deletePost = createServerAction()\n"
        "  .input(z.object({ id: z.string() }))\n"
        "  .handler(async ({ input }) => {\n"
        "    await prisma.post.delete({ where: { id: input.id } });\n"
        "  });\n",
        [("GF001", "deletePost", 6)],
        id="zsa-create-server-action",
    ),
    pytest.param(
        '"use server";\n'
        'import { withLogging } from "some-package";\n'
        "export const deletePost = withLogging(async (id: string) => {\n"
        f"  {DELETE}\n"
        "});\n",
        [("GF001", "deletePost", 4)],
        id="wrapper-from-a-package",
    ),
    pytest.param(
        '"use server";\n'
        'import { withLogging, withTiming } from "some-package";\n'
        "export const deletePost = withLogging(withTiming(async (id: string) => {\n"
        f"  {DELETE}\n"
        "}));\n",
        [("GF001", "deletePost", 4)],
        id="nested-wrappers",
    ),
    pytest.param(
        '"use server";\n'
        'import { createSafeAction } from "@/lib/create-safe-action";\n'
        "const handler = async (data: { id: string }) => {\n"
        "  await prisma.post.delete({ where: { id: data.id } });\n"
        "};\n"
        "export const deletePost = createSafeAction(Schema, handler);\n",
        [("GF001", "deletePost", 4)],
        id="wrapper-around-a-named-handler",
    ),
    pytest.param(
        '"use server";\n'
        'import { publicProcedure } from "./procedures";\n'
        "export const deletePost = publicProcedure\n"
        "  .input(z.object({ id: z.string() }))\n"
        "  .handler(async ({ input }) => {\n"
        "    await prisma.post.delete({ where: { id: input.id } });\n"
        "  });\n",
        [("GF001", "deletePost", 6)],
        id="zsa-procedure-from-another-file",
    ),
    pytest.param(
        'import { createSafeActionClient } from "next-safe-action";\n'
        "const actionClient = createSafeActionClient();\n"
        "export const deletePost = actionClient.action(async ({ parsedInput: { id } }) => {\n"
        f"  {DELETE}\n"
        "});\n",
        [],
        id="built-action-without-use-server-is-not-an-endpoint",
    ),
]


@pytest.mark.parametrize(("source", "expected"), BUILT_FORMS)
def test_library_built_actions(project, source: str, expected: list) -> None:
    assert project(source, path="app/actions/posts.ts") == expected


ERROR_NODE_FILES = [
    pytest.param(
        '"use server";\n'
        'export type * from "./types";\n'
        f"export async function deletePost(id: string) {{\n  {DELETE}\n}}\n",
        [("GF001", "deletePost", 4)],
        id="export-type-star-does-not-hide",
    ),
    pytest.param(
        '"use server";\n'
        "export async function listPosts() {\n"
        "  return prisma.$queryRaw<Post[]>`SELECT * FROM posts`;\n"
        "}\n"
        f"export async function deletePost(id: string) {{\n  {DELETE}\n}}\n",
        [("GF001", "deletePost", 6)],
        id="tagged-template-with-type-arguments-does-not-hide",
    ),
    pytest.param(
        '"use server";\n'
        'export type * from "./types";\n'
        "export async function deletePost(id: string) {\n"
        "  const session = await auth();\n"
        "  if (!session) throw new Error('Unauthorized');\n"
        f"  {DELETE}\n"
        "}\n",
        [],
        id="error-node-elsewhere-does-not-invent",
    ),
]


@pytest.mark.parametrize(("source", "expected"), ERROR_NODE_FILES)
def test_error_nodes_elsewhere(project, source: str, expected: list) -> None:
    assert project(source, path="app/actions/posts.ts") == expected


@pytest.mark.parametrize("ext", [".ts", ".mts", ".cts", ".tsx", ".js", ".jsx", ".mjs", ".cjs"])
def test_every_source_extension(project, ext: str) -> None:
    source = f'"use server";\nexport async function deletePost(id) {{\n  {DELETE}\n}}\n'
    assert project(source, path=f"app/actions/posts{ext}") == [("GF001", "deletePost", 3)]


@pytest.mark.parametrize(
    "folder", ["node_modules/pkg", ".next/server", "dist", "build", "out", "coverage"]
)
def test_generated_folders_are_skipped(project, folder: str) -> None:
    source = f'"use server";\nexport async function deletePost(id) {{\n  {DELETE}\n}}\n'
    assert project(source, path=f"{folder}/actions.ts") == []


# Every form above that holds an action, and the directive's other spellings: the byte
# prefilter that decides which files are parsed at all must keep each of them.
PREFILTERED = [
    *(p for forms in (FILE_FORMS, INLINE_FORMS, BUILT_FORMS) for p in forms if p.values[1]),
    pytest.param(
        "/** Posts.\n * @module */\n// eslint-disable-next-line\n'use server'\n"
        f"export async function deletePost(id: string) {{\n  {DELETE}\n}}\n",
        [("GF001", "deletePost", 6)],
        id="single-quotes-after-comments",
    ),
    pytest.param(
        "export default function Page() {\n  async function remove(id: string) {\n"
        f"    'use server'\n    {DELETE}\n  }}\n  return null;\n}}\n",
        [("GF001", "remove", 4)],
        id="inline-single-quotes",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PREFILTERED)
def test_the_prefilter_keeps_every_file_holding_an_action(
    project, source: str, expected: list
) -> None:
    from guardfix.actions import may_hold_actions

    assert may_hold_actions(source.encode())
    # And the run that skips the files it drops still reports the action.
    assert project(source, path="app/posts/page.tsx") == expected


@pytest.mark.parametrize(
    "source",
    [
        'export const label = "use client";\n',
        "export async function save(id: string) {\n  await prisma.post.delete({ where: { id } });\n}\n",
    ],
)
def test_the_prefilter_drops_files_without_the_directive(source: str) -> None:
    from guardfix.actions import may_hold_actions

    assert not may_hold_actions(source.encode())
