import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { findCachedAnswer } from "../../src/db/cache-queries";
import { openDatabase } from "../../src/db/client";
import { findPostgresBinaries } from "../../src/db/native-postgres/binaries";
import { nativeServerBlocker } from "../../src/db/native-postgres/native-server";
import { serverSettings } from "../../src/db/native-postgres/server-settings";
import { serverUserFor } from "../../src/db/native-postgres/server-user";
import { insertRequestLogs } from "../../src/db/queries";
import { rowsOf } from "../../src/db/rows-of";
import { countLogRows, makeLogRow } from "../helpers/request-log-rows";
import { waitFor } from "../helpers/wait-for";

/**
 * The zero-setup default where its binaries are installed: a native PostgreSQL child process in
 * DATA_DIR/postgres. Run as root here (as in CI), so every test also proves the server runs as
 * another user. What a crash leaves behind (an orphan server, a stale postmaster.pid) must never
 * stop the next start; a server whose proxy is alive must never be taken over.
 */
const binaries = await findPostgresBinaries();
const root = mkdtempSync(join(tmpdir(), "claude-proxy-native-"));
// As root the server runs as `nobody`, which must be able to enter the directories above DATA_DIR.
chmodSync(root, 0o755);
const holder = new URL("../helpers/native-postgres-holder.ts", import.meta.url).pathname;
let directories = 0;
const freshDataDir = () => join(root, `data-${++directories}`);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
};
const processGroupOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
};
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);

// As root, a checkout that `nobody` cannot enter (under /root) cannot run the server at all: said, then skipped.
const blocker = binaries ? nativeServerBlocker(join(root, "data-0"), binaries) : "no PostgreSQL binaries for this platform";
if (blocker) console.warn(`embedded native PostgreSQL tests skipped: ${blocker}`);

describe.skipIf(Boolean(blocker))("embedded native PostgreSQL", () => {
  test("start, write, close, start again: the rows are there, and the server never runs as root", async () => {
    const dataDir = freshDataDir();
    const rows = [makeLogRow(), makeLogRow()];
    const first = await openDatabase({ dataDir, embedded: "postgres" });
    expect(first.kind).toBe("postgres");
    expect(first.description).toContain("embedded PostgreSQL");
    expect(uidOf(first.serverPid!)).not.toBe(0);
    if (process.getuid?.() === 0) expect(statSync(join(dataDir, "postgres")).uid).not.toBe(0);
    await insertRequestLogs(first.db, rows);
    await first.close();
    expect(alive(first.serverPid!)).toBe(false);
    const second = await openDatabase({ dataDir, embedded: "postgres" });
    try {
      expect(await countLogRows(second.db, rows.map((row) => row.taskId))).toBe(2);
      // As on any PostgreSQL server (write-durability.test.ts): commits do not wait for the disk, the cache's table is unlogged.
      const [settings] = rowsOf<{ commit: string; cache: string }>(
        await second.db.execute(sql`select current_setting('synchronous_commit') as commit, (select relpersistence from pg_class where relname = 'response_cache' and relkind = 'r') as cache`),
      );
      expect(settings).toEqual({ commit: "off", cache: "u" });
    } finally {
      await second.close();
    }
  }, 120_000);

  test("after a SIGKILL of the proxy its server stops by itself, and the next start has every committed row and cached answer", async () => {
    const dataDir = freshDataDir();
    const child = Bun.spawn([process.execPath, "run", holder, dataDir, "25"], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) throw new Error("the holder exited before it wrote its rows");
      text += new TextDecoder().decode(value);
    }
    const { serverPid, taskIds, cacheKey } = JSON.parse(text) as { serverPid: number; taskIds: string[]; cacheKey: string };
    try {
      expect(alive(serverPid)).toBe(true);
      // Its own process group: a Ctrl-C in the terminal (SIGINT to the proxy's group) must not stop it
      // while the proxy still flushes rows; the proxy stops it afterwards.
      expect(processGroupOf(serverPid)).not.toBe(processGroupOf(child.pid));
    } finally {
      child.kill("SIGKILL");
      await child.exited;
    }
    // The parent-death signal: no orphan outlives the proxy (where setpriv exists, as on Linux).
    if (existsSync("/usr/bin/setpriv")) await waitFor(() => !alive(serverPid), { timeoutMs: 30_000, intervalMs: 50, what: "the orphaned server to stop" });
    const again = await openDatabase({ dataDir, embedded: "postgres" });
    try {
      expect(again.serverPid).not.toBe(serverPid);
      expect(await countLogRows(again.db, taskIds)).toBe(25);
      // The cache's table is unlogged: kept by the clean stop the parent-death signal makes, emptied
      // only by a crash of the server itself.
      expect((await findCachedAnswer(again.db, cacheKey))?.body).toBe("{}");
    } finally {
      await again.close();
    }
  }, 120_000);

  test("an orphan server without a parent-death signal (as on macOS) is stopped by the next start", async () => {
    const dataDir = freshDataDir();
    const rows = [makeLogRow()];
    const first = await openDatabase({ dataDir, embedded: "postgres" });
    await insertRequestLogs(first.db, rows);
    await first.close();
    // The server of a killed proxy: started as the proxy starts it, but with nothing to stop it.
    const pgData = join(dataDir, "postgres");
    const user = serverUserFor(pgData);
    const orphan = Bun.spawn([binaries!.postgres, "-D", pgData, "-p", "5432", ...serverSettings(pgData)], {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      env: { PATH: process.env.PATH ?? "", LC_ALL: "C" },
      stdout: "ignore",
      stderr: "ignore",
    });
    await waitFor(() => existsSync(join(pgData, "postmaster.pid")) && readFileSync(join(pgData, "postmaster.pid"), "utf8").includes("ready"), { timeoutMs: 30_000, intervalMs: 20, what: "the orphan to be ready" });
    // Its proxy is gone: a pid that no longer runs.
    const gone = Bun.spawn(["true"]);
    await gone.exited;
    writeFileSync(join(dataDir, "postgres.owner.pid"), `${gone.pid}\n`);
    const events: string[] = [];
    const again = await openDatabase({ dataDir, embedded: "postgres", onServerEvent: (_level, message) => events.push(message) });
    try {
      await orphan.exited;
      expect(again.serverPid).not.toBe(orphan.pid);
      // The start says what it did: it used to stop the orphan (up to 25 s) without a word.
      expect(events.join("\n")).toContain(`stopping the embedded PostgreSQL server (pid ${orphan.pid}) that a previous run left behind`);
      expect(await countLogRows(again.db, rows.map((row) => row.taskId))).toBe(1);
    } finally {
      await again.close();
    }
  }, 120_000);

  test("a postmaster.pid naming a live process that is not PostgreSQL (a reused pid) does not block a start", async () => {
    const dataDir = freshDataDir();
    const first = await openDatabase({ dataDir, embedded: "postgres" });
    await first.close();
    // Owned by the server's user: PostgreSQL takes a pid it may not signal for a dead one, so only such a pid blocks it.
    const user = serverUserFor(join(dataDir, "postgres"));
    const unrelated = Bun.spawn(["sleep", "60"], user ? { uid: user.uid, gid: user.gid } : {});
    try {
      writeFileSync(join(dataDir, "postgres", "postmaster.pid"), `${unrelated.pid}\n${join(dataDir, "postgres")}\n0\n5432\n\n\n0 0\nready\n`);
      const again = await openDatabase({ dataDir, embedded: "postgres" });
      await again.close();
    } finally {
      unrelated.kill();
    }
  }, 120_000);

  test("a data directory whose proxy is still running is refused, not taken over", async () => {
    const dataDir = freshDataDir();
    const running = await openDatabase({ dataDir, embedded: "postgres" });
    const otherProxy = Bun.spawn([process.execPath, "-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(join(dataDir, "postgres.owner.pid"), `${otherProxy.pid}\n`);
      await expect(openDatabase({ dataDir, embedded: "postgres" })).rejects.toThrow("another claude-proxy");
      expect(alive(running.serverPid!)).toBe(true);
    } finally {
      otherProxy.kill();
      await running.close();
    }
  }, 120_000);
});
