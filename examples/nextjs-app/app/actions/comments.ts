"use server";

import { z } from "zod";
import { prisma } from "@/lib/prisma";
import { actionClient, authActionClient } from "@/lib/safe-action";

export const addComment = authActionClient
  .schema(z.object({ postId: z.string(), text: z.string().min(1) }))
  .action(async ({ parsedInput, ctx }) => {
    await prisma.comment.create({
      data: { ...parsedInput, authorId: ctx.userId },
    });
  });

export const deleteComment = actionClient
  .schema(z.object({ id: z.string() }))
  .action(async ({ parsedInput }) => {
    await prisma.comment.delete({ where: { id: parsedInput.id } });
  });
