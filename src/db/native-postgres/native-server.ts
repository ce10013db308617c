import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import type { PostgresBinaries } from "./binaries";
import { serverSettings } from "./server-settings";
import { type ServerUser, giveTo, serverUserFor, unreachableReason } from "./server-user";
import { claimDataDir, clearStaleServer, releaseDataDir } from "./stale-server";

/**
 * A native PostgreSQL server for the proxy alone, as a child process with its data in
 * DATA_DIR/postgres: created (initdb) on the first start, reached through a Unix socket, stopped
 * with the proxy. Crash safety: the server gets a parent-death signal (`setpriv --pdeathsig`,
 * Linux), so a SIGKILLed proxy takes it down with a fast shutdown; whatever is left anyway is
 * cleared by the next start (stale-server.ts).
 */
export interface NativeServer {
  /** Directory of the server's socket: postgres.js `host`. */
  socketDir: string;
  port: number;
  pid: number;
  pgData: string;
  stop(): Promise<void>;
}

/** The socket file's name is fixed by the port; nothing listens on TCP. */
const socketPort = 5432;
/** sun_path holds 107 bytes; PostgreSQL needs room for "/.s.PGSQL.5432.lock". */
const maxSocketDirLength = 80;
const readyTimeoutMs = 60_000;

export class NativeServerError extends Error {}

/** Why the native server cannot run for this DATA_DIR (as root: its user cannot reach the files), or undefined. */
export function nativeServerBlocker(dataDir: string, binaries: PostgresBinaries): string | undefined {
  const user = serverUserFor(join(resolve(dataDir), "postgres"));
  return user ? unreachableReason(user, dataDir, binaries.postgres) : undefined;
}

/** What happened to the server while the proxy ran: for the proxy's log. */
export type NativeServerEvent = (level: "error" | "info", message: string) => void;

export async function startNativeServer(dataDir: string, binaries: PostgresBinaries, onEvent: NativeServerEvent = () => {}): Promise<NativeServer> {
  const pgData = join(resolve(dataDir), "postgres");
  mkdirSync(resolve(dataDir), { recursive: true });
  await clearStaleServer(pgData, undefined, (pid) =>
    onEvent("info", `stopping the embedded PostgreSQL server (pid ${pid}) that a previous run left behind (its proxy was killed or crashed) before starting a new one`),
  );
  const user = serverUserFor(pgData);
  if (!existsSync(join(pgData, "PG_VERSION"))) await initialise(pgData, binaries, user);
  // A directory that root copied or restored: PostgreSQL needs it to belong to the user it runs as.
  if (user && statSync(pgData).uid !== user.uid) giveTo(user, pgData);
  const socketDir = socketDirectory(pgData, user);
  claimDataDir(pgData);
  const logPath = join(pgData, "..", "postgres.log");
  const launch = () => launchServer(pgData, binaries, user, socketDir, logPath);
  let child: Subprocess;
  try {
    child = await launch();
  } catch (error) {
    releaseDataDir(pgData);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  // The server is this proxy's own child: if it dies while the proxy runs (the OOM killer, a
  // crash, a stray kill), it is started again, or the database would stay lost until a restart.
  const watch = (running: Subprocess) => {
    void running.exited.then(async () => {
      if (stopping) return;
      onEvent("error", `the embedded PostgreSQL server (pid ${running.pid}) stopped unexpectedly (${running.signalCode ?? `exit code ${running.exitCode}`}); starting it again: ${lastLines(readLog(logPath), 2)}`);
      for (let attempt = 0; !stopping; attempt++) {
        await Bun.sleep(Math.min(30_000, 250 * 2 ** attempt));
        if (stopping) return;
        try {
          await clearStaleServer(pgData);
          child = await launch();
          if (stopping) return void child.kill("SIGINT");
          onEvent("info", `the embedded PostgreSQL server started again (pid ${child.pid})`);
          watch(child);
          return;
        } catch (error) {
          onEvent("error", `the embedded PostgreSQL server could not be started again (attempt ${attempt + 1}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  };
  watch(child);
  return {
    socketDir,
    port: socketPort,
    get pid() {
      return child.pid;
    },
    pgData,
    stop: () =>
      (stopping ??= (async () => {
        child.kill("SIGINT"); // Fast shutdown: finishes the checkpoint, drops the connections.
        const timer = setTimeout(() => child.kill("SIGQUIT"), 15_000);
        await child.exited;
        clearTimeout(timer);
        releaseDataDir(pgData);
        if (socketDir !== pgData) rmSync(socketDir, { recursive: true, force: true });
      })()),
  };
}

/** Starts the server process and waits until it accepts connections; a server that fails to get there is stopped. */
async function launchServer(pgData: string, binaries: PostgresBinaries, user: ServerUser | undefined, socketDir: string, logPath: string): Promise<Subprocess> {
  const logFd = openLog(logPath);
  let child: Subprocess;
  try {
    child = Bun.spawn(withIdentity(user, [binaries.postgres, "-D", pgData, "-p", String(socketPort), ...serverSettings(socketDir)]), {
      ...spawnIdentity(user),
      // Its own session: a Ctrl-C in the terminal signals the proxy's process group, and the server
      // must keep running while the proxy flushes its last rows; the proxy stops it after that.
      detached: true,
      env: serverEnvironment(),
      stdin: "ignore",
      stdout: logFd,
      stderr: logFd,
    });
  } finally {
    closeSync(logFd);
  }
  try {
    await waitUntilReady(pgData, child, logPath);
  } catch (error) {
    child.kill("SIGQUIT");
    await child.exited;
    throw error;
  }
  return child;
}

/**
 * initdb into a side directory, renamed into place once complete: a killed initdb leaves no half
 * cluster. Without its fsyncs (seconds on a busy disk): the new cluster holds nothing yet, and
 * after a power loss PostgreSQL syncs the whole data directory before recovery anyway.
 */
async function initialise(pgData: string, binaries: PostgresBinaries, user: ServerUser | undefined): Promise<void> {
  const staging = `${pgData}.initdb`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  if (user) giveTo(user, staging);
  const initdb = Bun.spawn(withIdentity(user, [binaries.initdb, "-D", staging, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]), {
    ...spawnIdentity(user),
    env: serverEnvironment(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [code, stderr] = await Promise.all([initdb.exited, new Response(initdb.stderr).text(), new Response(initdb.stdout).text()]);
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const who = user ? ` (as user ${user.name}, since PostgreSQL refuses to run as root: it must be able to reach and write DATA_DIR)` : "";
    throw new NativeServerError(`initdb failed${who}: ${lastLines(stderr)}`);
  }
  renameSync(staging, pgData);
}

/** The socket lives in the data directory unless that path is too long for a socket address. */
function socketDirectory(pgData: string, user: ServerUser | undefined): string {
  if (pgData.length <= maxSocketDirLength) return pgData;
  const directory = mkdtempSync(join(tmpdir(), "claude-proxy-pg-"));
  chmodSync(directory, 0o700);
  if (user) giveTo(user, directory);
  return directory;
}

async function waitUntilReady(pgData: string, child: Subprocess, logPath: string): Promise<void> {
  const deadline = performance.now() + readyTimeoutMs;
  const lockPath = join(pgData, "postmaster.pid");
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new NativeServerError(`the database server stopped at start: ${lastLines(readLog(logPath)) || `exit code ${child.exitCode}`}`);
    }
    // Line 8 of postmaster.pid is the server's status; "ready" once it accepts connections.
    if (existsSync(lockPath) && readFileSync(lockPath, "utf8").split("\n")[7]?.trim() === "ready") return;
    await Bun.sleep(20);
  }
  throw new NativeServerError(`the database server was not ready within ${readyTimeoutMs / 1000} s: ${lastLines(readLog(logPath))}`);
}

/**
 * On Linux the server is started through `setpriv`, which sets its parent-death signal (SIGINT,
 * a fast shutdown, when the proxy dies however it dies) and, as root, drops to the server's user.
 */
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

function withIdentity(user: ServerUser | undefined, command: string[]): string[] {
  if (!setpriv) return command;
  const identity = user ? ["--reuid", String(user.uid), "--regid", String(user.gid), "--clear-groups"] : [];
  return [setpriv, ...identity, "--pdeathsig", "INT", "--", ...command];
}

function spawnIdentity(user: ServerUser | undefined): { uid?: number; gid?: number } {
  return user && !setpriv ? { uid: user.uid, gid: user.gid } : {};
}

function serverEnvironment(): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C" };
}

/** Appends, so the log of a run that crashed is still there; the previous 5 MiB are kept as postgres.log.1. */
function openLog(path: string): number {
  if (existsSync(path) && statSync(path).size > 5 * 1024 * 1024) renameSync(path, `${path}.1`);
  return openSync(path, "a", 0o600);
}

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function lastLines(text: string, count = 3): string {
  return text.trim().split("\n").slice(-count).join(" / ");
}
