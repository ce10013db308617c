import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Who the database server runs as: PostgreSQL refuses to start as root. */
export interface ServerUser {
  uid: number;
  gid: number;
  name: string;
}

/**
 * Undefined when the proxy is not root: the server runs as the proxy's own user. As root, it runs
 * as the owner of an existing data directory (a directory created earlier by a non-root run keeps
 * its owner), otherwise as `nobody`, which exists on every Linux and macOS.
 */
export function serverUserFor(pgData: string): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (existsSync(pgData)) {
    const { uid, gid } = statSync(pgData);
    if (uid !== 0) return { uid, gid, name: userName(uid) ?? String(uid) };
  }
  const nobody = passwdEntry("nobody");
  if (!nobody) throw new Error("running as root, and there is no user `nobody` to run PostgreSQL as (it refuses to run as root)");
  return nobody;
}

/** Hands a directory (and everything in it) to the server's user. */
export function giveTo(user: ServerUser, path: string): void {
  chownSync(path, user.uid, user.gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) giveTo(user, join(path, entry));
}

function passwdEntry(name: string): ServerUser | undefined {
  for (const line of readPasswd()) {
    const [entryName, , uid, gid] = line.split(":");
    if (entryName === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function userName(uid: number): string | undefined {
  return readPasswd().find((line) => line.split(":")[2] === String(uid))?.split(":")[0];
}

function readPasswd(): string[] {
  try {
    return readFileSync("/etc/passwd", "utf8").split("\n");
  } catch {
    return [];
  }
}

/**
 * Why the server's user could not use these paths, or undefined when it can: it must enter every
 * directory above DATA_DIR and above the binaries (a project or DATA_DIR under /root, mode 700,
 * is the usual case). DATA_DIR itself, when it belongs to root and is closed to others, is opened
 * for entering only (o+x: no listing, no reading); the server's own directory inside is 0700.
 */
export function unreachableReason(user: ServerUser, dataDir: string, binary: string): string | undefined {
  const absolute = resolve(dataDir);
  if (existsSync(absolute)) {
    const mode = statSync(absolute).mode;
    if (statSync(absolute).uid === 0 && (mode & 0o001) === 0) chmodSync(absolute, mode | 0o001);
  }
  for (const start of [dirname(absolute), dirname(binary)]) {
    for (let directory = start; ; directory = dirname(directory)) {
      if (existsSync(directory) && !canEnter(user, directory)) {
        return `PostgreSQL refuses to run as root, and user ${user.name}, which it would run as, cannot enter ${directory}`;
      }
      if (dirname(directory) === directory) break;
    }
  }
  return undefined;
}

function canEnter(user: ServerUser, directory: string): boolean {
  const { uid, gid, mode } = statSync(directory);
  if (uid === user.uid) return (mode & 0o100) !== 0;
  if (gid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}
