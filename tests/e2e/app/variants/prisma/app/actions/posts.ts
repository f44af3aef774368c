"use server";

import { revalidatePath } from "next/cache";
import { prisma } from "@/lib/db";
import { getCurrentUser } from "@/lib/session";

export async function createPost(formData: FormData) {
  const user = await getCurrentUser();
  if (!user) {
    throw new Error("Unauthorized");
  }
  const title = String(formData.get("title"));
  await prisma.post.create({ data: { title, authorId: user.id } });
  revalidatePath("/posts");
}

export async function deletePost(formData: FormData) {
  const id = Number(formData.get("id"));
  await prisma.post.delete({ where: { id } });
  revalidatePath("/posts");
}

export async function renamePost(id: number, title: string) {
  await prisma.post.update({ where: { id }, data: { title } });
  revalidatePath("/posts");
}
