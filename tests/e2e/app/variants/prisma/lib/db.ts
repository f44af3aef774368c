import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";

const file = process.env.DATABASE_PATH;
if (!file) {
  throw new Error("DATABASE_PATH is not set: it names the SQLite database file");
}

export const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
