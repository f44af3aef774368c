import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A native module: loaded by Node at run time, not bundled.
  serverExternalPackages: ["better-sqlite3"],
};

export default nextConfig;
