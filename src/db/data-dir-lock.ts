import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { canonicalPath } from "./canonical-path";

/**
 * One proxy per embedded data directory. PGlite takes no lock of its own, so a second
 * `bun run start` on the same DATA_DIR (another terminal, another port) would open the same files
 * in a second process and corrupt them; it even opened them when it then found the port taken.
 * The lock is a file beside the directory (`<DATA_DIR>.lock`, not inside it: an empty data
 * directory must stay empty for initdb) holding the owner's pid and, on Linux, its boot id and
 * start time. A lock whose process is gone (a crash, kill -9, even while still a zombie) is taken
 * over, and so is one whose pid now names another process (after a reboot pids come again).
 */
export class DataDirLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirLockError";
  }
}

export interface DataDirLock {
  readonly path: string;
  /** The pid of a dead owner whose lock this one replaced (a crash, kill -9): the start-up log says so. */
  readonly takenOverFrom?: number;
  release(): void;
}

export function lockPathFor(dataDir: string): string {
  // Keyed on the directory itself, so a second name for it (a symbolic link) finds the same lock.
  return `${canonicalPath(dataDir)}.lock`;
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
  let takenOverFrom: number | undefined;
  // Two tries: the second after removing a lock whose owner is gone.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, "wx", 0o600);
      writeSync(descriptor, `${pid} ${processIdentity(pid) ?? ""}\n`);
      closeSync(descriptor);
      return { path, takenOverFrom, release: () => releaseIfOwned(path, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return unlocked;
      const { pid: owner, identity } = ownerOf(path);
      if (owner !== undefined && owner !== pid && isAlive(owner) && sameProcess(owner, identity)) {
        throw new DataDirLockError(
          `The data directory ${canonicalPath(dataDir)} is in use by another claude-proxy (pid ${owner}). ` +
            `Stop that one, or give this one its own DATA_DIR (--data-dir) or a DATABASE_URL. ` +
            `If pid ${owner} is not a claude-proxy, delete ${path}.`,
        );
      }
      rmSync(path, { force: true });
      takenOverFrom = owner;
    }
  }
  throw new DataDirLockError(`Could not take the lock ${path} on the data directory: another process keeps creating it.`);
}

function ownerOf(path: string): { pid?: number; identity?: string } {
  try {
    const [pidText, identity] = readFileSync(path, "utf8").trim().split(/\s+/, 2);
    const pid = Number.parseInt(pidText ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? { pid, identity: identity || undefined } : {};
  } catch {
    return {};
  }
}

/** Linux: the boot and the process's start time, which a pid reused after a reboot or a crash does not share. */
function processIdentity(pid: number): string | undefined {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (in parentheses, which may hold spaces): state is field 3, starttime 22.
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return boot && startTime ? `${boot}/${startTime}` : undefined;
  } catch {
    return undefined;
  }
}

/** Where both are known, the recorded identity must match the live process; elsewhere the pid alone decides. */
function sameProcess(pid: number, recorded: string | undefined): boolean {
  if (recorded === undefined) return true;
  const current = processIdentity(pid);
  return current === undefined || current === recorded;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * Linux: a killed process stays a zombie, signalable and with its start time, until its parent
 * (or init, slowly in some containers) collects it; it holds no files, so its lock is stale.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat[stat.lastIndexOf(")") + 2];
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

/** The start-up log's line for a lock taken over from a dead owner. */
export function takeoverMessage(lock: DataDirLock): string | undefined {
  if (lock.takenOverFrom === undefined) return undefined;
  return `took over the lock ${lock.path} left by pid ${lock.takenOverFrom}, which did not stop cleanly (a crash, kill -9 or a reboot): requests it had not yet written to the log are missing`;
}

function releaseIfOwned(path: string, pid: number): void {
  if (ownerOf(path).pid === pid) rmSync(path, { force: true });
}
