import { auth } from "@/auth";
import { deletePost } from "@/app/actions/posts";
import { prisma } from "@/lib/prisma";

export default async function DashboardPage() {
  const posts = await prisma.post.findMany({ orderBy: { createdAt: "desc" } });

  async function clearDrafts() {
    "use server";
    await prisma.post.deleteMany({ where: { title: "" } });
  }

  return (
    <main>
      <h1>Dashboard</h1>
      <ul>
        {posts.map((post) => (
          <li key={post.id}>
            {post.title}
            <form action={deletePost}>
              <input type="hidden" name="id" value={post.id} />
              <button type="submit">Delete</button>
            </form>
          </li>
        ))}
      </ul>
      <form action={clearDrafts}>
        <button type="submit">Clear drafts</button>
      </form>
      <form
        action={async (formData: FormData) => {
          "use server";
          const session = await auth();
          if (!session) {
            throw new Error("Unauthorized");
          }
          await prisma.post.create({
            data: {
              title: String(formData.get("title")),
              body: "",
              authorId: session.user!.id!,
            },
          });
        }}
      >
        <input name="title" placeholder="New post" />
        <button type="submit">Create</button>
      </form>
    </main>
  );
}
