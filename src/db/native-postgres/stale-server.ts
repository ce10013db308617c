import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a previous run may have left in the data directory. `owner.pid` names the proxy that
 * started the server; `postmaster.pid` (PostgreSQL's own lock) names the server. After a SIGKILL of
 * the proxy the server normally stops itself (its parent-death signal, see native-server.ts);
 * where that is not available (macOS) or it is still shutting down, it is stopped here, so a
 * stale lock or an orphan server never blocks the next start. A server whose proxy is still alive
 * belongs to another instance on the same DATA_DIR: that is refused, not stopped.
 */
export class DataDirInUseError extends Error {}

const ownerFile = (pgData: string) => join(pgData, "..", "postgres.owner.pid");

export function claimDataDir(pgData: string): void {
  writeFileSync(ownerFile(pgData), `${process.pid}\n`);
}

export function releaseDataDir(pgData: string): void {
  rmSync(ownerFile(pgData), { force: true });
}

/** `onStop` hears of an orphan before it is stopped, which can take seconds: the start-up log says why it waits. */
export async function clearStaleServer(pgData: string, graceMs = 15_000, onStop: (pid: number) => void = () => {}): Promise<void> {
  const owner = readPid(ownerFile(pgData));
  if (owner !== undefined && owner !== process.pid && isAlive(owner) && looksLikeOurProxy(owner)) {
    throw new DataDirInUseError(`another claude-proxy (pid ${owner}) is using this directory`);
  }
  const lockPath = join(pgData, "postmaster.pid");
  const server = readPid(lockPath);
  if (server === undefined || !isAlive(server)) return; // PostgreSQL itself removes a lock whose process is gone.
  if (!isPostgres(server)) {
    // The pid was reused by an unrelated process: PostgreSQL would refuse to start over it.
    rmSync(lockPath, { force: true });
    return;
  }
  // An orphan of a killed proxy: a fast shutdown (rolls back open transactions, checkpoints).
  onStop(server);
  process.kill(server, "SIGINT");
  if (await exited(server, graceMs)) return;
  process.kill(server, "SIGQUIT"); // Immediate shutdown; the next start replays the WAL.
  if (await exited(server, 5_000)) return;
  process.kill(server, "SIGKILL");
  await exited(server, 5_000);
}

function readPid(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number.parseInt(readFileSync(path, "utf8").split("\n")[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (killed, not yet reaped by its parent) is gone for our purposes.
  return processState(pid) !== "Z";
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  } catch {
    return undefined;
  }
}

/** Where /proc exists (Linux) the command line decides; elsewhere a live pid counts as a match. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

function isPostgres(pid: number): boolean {
  const command = commandLine(pid);
  return command === undefined || /postgres/.test(command);
}

function looksLikeOurProxy(pid: number): boolean {
  const command = commandLine(pid);
  return command === undefined || /bun|claude-proxy|node/.test(command);
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!isAlive(pid)) return true;
    await Bun.sleep(25);
  }
  return !isAlive(pid);
}
