"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { posts } from "@/db/schema";
import { db } from "@/lib/db";
import { getCurrentUser } from "@/lib/session";

export async function createPost(formData: FormData) {
  const user = await getCurrentUser();
  if (!user) {
    throw new Error("Unauthorized");
  }
  const title = String(formData.get("title"));
  await db.insert(posts).values({ title, authorId: user.id });
  revalidatePath("/posts");
}

export async function deletePost(formData: FormData) {
  const id = Number(formData.get("id"));
  await db.delete(posts).where(eq(posts.id, id));
  revalidatePath("/posts");
}

export async function renamePost(id: number, title: string) {
  await db.update(posts).set({ title }).where(eq(posts.id, id));
  revalidatePath("/posts");
}
