import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The path with every symbolic link resolved, as far as it exists (the part not created yet is
 * kept as written). A DATA_DIR named through a link is the same directory: the lock must be keyed
 * on one name for it, and PGlite must be given the directory itself, since its file system mounts
 * a link as a link and then finds no database in it.
 */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(canonicalPath(parent), basename(absolute));
  }
}
