import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client";
import { findPostgresBinaries } from "../../src/db/native-postgres/binaries";
import { nativeServerBlocker } from "../../src/db/native-postgres/native-server";
import { insertRequestLogs } from "../../src/db/queries";
import { countLogRows, makeLogRow } from "../helpers/request-log-rows";

/**
 * The embedded native PostgreSQL is the proxy's own child: when it dies while the proxy runs (the
 * OOM killer, a crash, a stray kill), the proxy starts it again and says so. Before, the database
 * stayed "lost" until the proxy was restarted by hand: rows piled up in memory and the dashboard
 * answered 500.
 */
const binaries = await findPostgresBinaries();
const root = mkdtempSync(join(tmpdir(), "claude-proxy-native-restart-"));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const blocker = binaries ? nativeServerBlocker(join(root, "data"), binaries) : "no PostgreSQL binaries for this platform";
if (blocker) console.warn(`embedded native PostgreSQL restart test skipped: ${blocker}`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(Boolean(blocker))("embedded native PostgreSQL that dies", () => {
  test("is started again, with its rows, and the event is reported", async () => {
    const events: string[] = [];
    const database = await openDatabase({ dataDir: join(root, "data"), embedded: "postgres", onServerEvent: (_level, message) => events.push(message) });
    const before = makeLogRow();
    await insertRequestLogs(database.db, [before]);
    // Commits are asynchronous (synchronous_commit=off): a server crash may lose its last ~0.6 s.
    await Bun.sleep(1500);
    const killed = database.serverPid!;
    process.kill(killed, "SIGKILL");
    while (alive(killed)) await Bun.sleep(20);

    // Whatever the pool's connections were doing died with the server; a later query reconnects.
    const after = makeLogRow();
    const deadline = Date.now() + 45_000;
    let count = 0;
    while (count < 2 && Date.now() < deadline) {
      try {
        await insertRequestLogs(database.db, [after]);
        count = await countLogRows(database.db, [before.taskId, after.taskId]);
      } catch {
        await Bun.sleep(250);
      }
    }
    expect(count).toBe(2);
    expect(events.some((message) => message.includes("stopped unexpectedly"))).toBe(true);
    expect(events.some((message) => message.includes("started again"))).toBe(true);
    await database.close();
  }, 90_000);
});
