import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { createPost, deletePost } from "@/app/actions/posts";
import { posts, users } from "@/db/schema";
import { db } from "@/lib/db";
import { RenameForm } from "./rename-form";

export const dynamic = "force-dynamic";

export default async function PostsPage() {
  const rows = await db
    .select({ id: posts.id, title: posts.title, author: users.name })
    .from(posts)
    .innerJoin(users, eq(posts.authorId, users.id))
    .orderBy(posts.id);

  async function removePost(formData: FormData) {
    "use server";
    const id = Number(formData.get("id"));
    await db.delete(posts).where(eq(posts.id, id));
    revalidatePath("/posts");
  }

  return (
    <main>
      <h1>Posts</h1>
      <form action={createPost}>
        <input name="title" placeholder="Title" />
        <button type="submit">Create</button>
      </form>
      <ul>
        {rows.map((post) => (
          <li key={post.id}>
            {post.title} by {post.author}
            <RenameForm id={post.id} title={post.title} />
            <form action={deletePost}>
              <input type="hidden" name="id" value={post.id} />
              <button type="submit">Delete</button>
            </form>
            <form action={removePost}>
              <input type="hidden" name="id" value={post.id} />
              <button type="submit">Remove</button>
            </form>
          </li>
        ))}
      </ul>
    </main>
  );
}
