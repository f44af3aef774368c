"use server";

import { revalidatePath } from "next/cache";
import { auth } from "@/auth";
import { prisma } from "@/lib/prisma";
import { requireUser } from "@/lib/session";

export async function deletePost(formData: FormData) {
  const id = String(formData.get("id"));
  await prisma.post.delete({ where: { id } });
  revalidatePath("/dashboard");
}

export async function updatePost(formData: FormData) {
  const id = String(formData.get("id"));
  const title = String(formData.get("title"));
  await prisma.post.update({ where: { id }, data: { title } });
  revalidatePath("/dashboard");
}

export async function createPost(formData: FormData) {
  const session = await auth();
  if (!session?.user?.id) {
    throw new Error("Unauthorized");
  }
  await prisma.post.create({
    data: {
      title: String(formData.get("title")),
      body: String(formData.get("body")),
      authorId: session.user.id,
    },
  });
  revalidatePath("/dashboard");
}

export async function publishPost(formData: FormData) {
  const user = await requireUser();
  const id = String(formData.get("id"));
  await prisma.post.updateMany({
    where: { id, authorId: user.id },
    data: { published: true },
  });
  revalidatePath("/dashboard");
}

export async function archivePost(formData: FormData) {
  const session = await auth();
  const id = String(formData.get("id"));
  await prisma.post.update({
    where: { id, authorId: session?.user?.id },
    data: { title: "[archived]" },
  });
  revalidatePath("/dashboard");
}

async function logView(id: string) {
  const post = await prisma.post.findUnique({ where: { id } });
  console.log("viewed", post?.title);
}
