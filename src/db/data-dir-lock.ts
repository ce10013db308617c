import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * One proxy per embedded data directory. PGlite takes no lock of its own, so a second
 * `bun run start` on the same DATA_DIR (another terminal, another port) would open the same files
 * in a second process and corrupt them; it even opened them when it then found the port taken.
 * The lock is a file beside the directory (`<DATA_DIR>.lock`, not inside it: an empty data
 * directory must stay empty for initdb) holding the owner's pid. A lock whose process is gone (a
 * crash, kill -9) is taken over.
 */
export class DataDirLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirLockError";
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export function lockPathFor(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

export function acquireDataDirLock(dataDir: string, pid = process.pid): DataDirLock {
  const path = lockPathFor(dataDir);
  // A place where no lock can be written (a path through a file, a read-only parent) is left to
  // the database's own start-up error, which says what is wrong with DATA_DIR.
  const unlocked: DataDirLock = { path, release: () => {} };
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch {
    return unlocked;
  }
  // Two tries: the second after removing a lock whose owner is gone.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, "wx", 0o600);
      writeSync(descriptor, `${pid}\n`);
      closeSync(descriptor);
      return { path, release: () => releaseIfOwned(path, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return unlocked;
      const owner = ownerOf(path);
      if (owner !== undefined && owner !== pid && isAlive(owner)) {
        throw new DataDirLockError(
          `The data directory ${resolve(dataDir)} is in use by another claude-proxy (pid ${owner}). ` +
            `Stop that one, or give this one its own DATA_DIR (--data-dir) or a DATABASE_URL. ` +
            `If pid ${owner} is not a claude-proxy, delete ${path}.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockError(`Could not take the lock ${path} on the data directory: another process keeps creating it.`);
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOwned(path: string, pid: number): void {
  if (ownerOf(path) === pid) rmSync(path, { force: true });
}
