from __future__ import annotations


def test_article_delete_post_is_reported(project) -> None:
    source = """"use server";
import { prisma } from "@/lib/prisma";

export async function deletePost(formData: FormData) {
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id } });
}
"""
    assert project(source) == [("GF001", "deletePost", 6)]
