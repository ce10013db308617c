import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireDataDirLock, DataDirLockError, lockPathFor } from "../../src/db/data-dir-lock";
import { type RunningProxyProcess, spawnProxy, startProxyProcess } from "../helpers/spawn-proxy";

/**
 * PGlite takes no lock on its directory, so a second `bun run start` on the same DATA_DIR (another
 * terminal, another port) opened the same files from a second process, which corrupts them, and
 * it did so even when it then failed because the port was taken. Now the second one stops before
 * touching the database, saying which process holds the directory; a lock left by a dead process
 * is taken over.
 */
let directory: string;
let first: RunningProxyProcess | undefined;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-lock-"));
});

afterAll(() => {
  first?.child.kill("SIGKILL");
  rmSync(directory, { recursive: true, force: true });
});

describe("one proxy per embedded data directory", () => {
  test("a second process on the same DATA_DIR exits with a clear message; the first keeps serving", async () => {
    const dataDir = join(directory, "data");
    first = await startProxyProcess(directory, { DATA_DIR: dataDir });
    expect(readFileSync(lockPathFor(dataDir), "utf8").trim().split(" ")[0]).toBe(String(first.child.pid));

    const second = spawnProxy(directory, { DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`is in use by another claude-proxy (pid ${first.child.pid})`);
    expect(second.stderr()).not.toContain("listening");

    const health = await fetch(`${first.origin}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { database: { state: string } }).database.state).toBe("reachable");

    // A clean shutdown releases the lock, and the directory opens again.
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(lockPathFor(dataDir))).toBe(false);
    first = await startProxyProcess(directory, { DATA_DIR: dataDir });
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    first = undefined;
  }, 90_000);

  test("a lock whose process is gone (kill -9, a crash) is taken over", () => {
    const dataDir = join(directory, "stale");
    // A pid far above Linux's pid_max (4194304) names no process.
    writeFileSync(lockPathFor(dataDir), "99999999\n");
    const lock = acquireDataDirLock(dataDir);
    expect(readFileSync(lock.path, "utf8").trim().split(" ")[0]).toBe(String(process.pid));
    expect(() => acquireDataDirLock(dataDir, process.pid + 1)).toThrow(DataDirLockError);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  test("a lock whose process was killed but not yet reaped (a zombie) is taken over", async () => {
    const dataDir = join(directory, "zombie");
    // `sleep 30` in the background of a shell that then becomes `sleep 5`, which never reaps it:
    // killed, it stays a zombie (ps state Z) until `sleep 5` ends, as a killed proxy does until
    // its parent, or init, collects it. Its pid and start time are still there; its files are not.
    const parent = Bun.spawn(["sh", "-c", "sleep 30 & echo $!; exec sleep 5"], { stdout: "pipe" });
    const reader = (parent.stdout as ReadableStream<Uint8Array>).getReader();
    const zombie = Number.parseInt(new TextDecoder().decode((await reader.read()).value), 10);
    const identity = `${readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim()}/${readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]!.split(" ")[19]}`;
    writeFileSync(lockPathFor(dataDir), `${zombie} ${identity}\n`);
    // Killed before the shell became `sleep 5`, the child could be reaped by the shell itself.
    for (let i = 0; i < 200 && readFileSync(`/proc/${parent.pid}/cmdline`, "utf8") !== "sleep\u00005\u0000"; i++) await Bun.sleep(10);
    process.kill(zombie, "SIGKILL");
    for (let i = 0; i < 100 && readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]![0] !== "Z"; i++) await Bun.sleep(10);
    try {
      const lock = acquireDataDirLock(dataDir);
      expect(readFileSync(lock.path, "utf8").trim().split(" ")[0]).toBe(String(process.pid));
      lock.release();
    } finally {
      parent.kill("SIGKILL");
    }
  });

  test("a lock whose pid now names another process (a reboot, a reused pid) is taken over", () => {
    const dataDir = join(directory, "reused");
    // This test process is alive, but it is not the process that wrote the lock: its start time differs.
    writeFileSync(lockPathFor(dataDir), `${process.pid} 00000000-0000-0000-0000-000000000000/1\n`);
    const lock = acquireDataDirLock(dataDir, process.pid + 1);
    expect(readFileSync(lock.path, "utf8").trim().split(" ")[0]).toBe(String(process.pid + 1));
    lock.release();
  });

  test("a start that takes over a stale lock says so, naming the dead process", async () => {
    // After a kill -9 the next start used to take the lock over without a word.
    const dataDir = join(directory, "says-so");
    writeFileSync(lockPathFor(dataDir), "99999999\n");
    first = await startProxyProcess(directory, { DATA_DIR: dataDir });
    expect(first.stderr()).toContain(`took over the lock ${lockPathFor(dataDir)} left by pid 99999999, which did not stop cleanly`);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    first = undefined;
  }, 60_000);
});
