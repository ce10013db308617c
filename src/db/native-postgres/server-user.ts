import { chownSync, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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
