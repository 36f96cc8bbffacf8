// Location and version of the pinned zokrates-js package (its package.json is not exported, so it
// is found by walking up from this script to the repository's node_modules).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function find() {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "zokrates-js");
    if (existsSync(join(candidate, "package.json"))) return candidate;
  }
  throw new Error("zokrates-js not found: run `npm ci` at the repository root");
}

export const zokratesPackageDir = find();
export const zokratesJsVersion = JSON.parse(readFileSync(join(zokratesPackageDir, "package.json"), "utf8")).version;
