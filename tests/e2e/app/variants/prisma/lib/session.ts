import { cookies } from "next/headers";
import { prisma } from "@/lib/db";

/** The signed-in user (from the `session` cookie), or null. */
export async function getCurrentUser() {
  const cookieStore = await cookies();
  const token = cookieStore.get("session")?.value;
  if (!token) {
    return null;
  }
  const session = await prisma.session.findUnique({
    where: { token },
    include: { user: true },
  });
  return session?.user ?? null;
}
