"use server";

import { signIn, signOut } from "@/auth";
import { prisma } from "@/lib/prisma";

export async function signUp(formData: FormData) {
  await prisma.user.create({
    data: {
      email: String(formData.get("email")),
      name: String(formData.get("name")),
    },
  });
  await signIn("credentials", formData);
}

export async function signOutAction() {
  await signOut();
}
