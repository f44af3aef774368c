"use client";

import { useState, useTransition } from "react";
import { renamePost } from "@/app/actions/posts";

export function RenameForm({ id, title }: { id: number; title: string }) {
  const [value, setValue] = useState(title);
  const [pending, startTransition] = useTransition();
  return (
    <span>
      <input value={value} onChange={(event) => setValue(event.target.value)} />
      <button
        type="button"
        disabled={pending}
        onClick={() => startTransition(() => renamePost(id, value))}
      >
        Rename
      </button>
    </span>
  );
}
