import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "@/db/schema";

const file = process.env.DATABASE_PATH;
if (!file) {
  throw new Error("DATABASE_PATH is not set: it names the SQLite database file");
}

export const db = drizzle(new Database(file), { schema });
