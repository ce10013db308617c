import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PendingSpend, SpendWriter } from "../src/budget/spend-writer";
import { type SpendEntry, settleBudgets } from "../src/db/budget-queries";
import { openDatabase } from "../src/db/client";
import { silentLogger } from "../src/logger";
import { processCpuMs } from "./child-process";
import { descendants } from "./process-watch";

/**
 * `bun run bench/spend-write-costs.ts [requests a second] [rounds]`: what writing one second of
 * budget spend costs at a request rate, on the zero-setup native PostgreSQL in a scratch directory,
 * when every request is held on a lease (two entries a request: the global budget and its
 * provider's): the entries one by one in the statement, as the spend writer queued them before,
 * against the batch the spend writer now makes of them (merged per lease, scope and periods).
 * Prints the server's and this process's CPU per statement and per request, alternated in rounds.
 */
const perSecond = Number(process.argv[2] ?? 2800);
const rounds = Number(process.argv[3] ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-spend-costs-"));
const handle = await openDatabase({ dataDir, embedded: "postgres" });
const serverMs = () => descendants(process.pid).reduce((sum, { pid }) => sum + (processCpuMs(pid) || 0), 0);
const leases = { global: crypto.randomUUID(), openai: crypto.randomUUID() };
const day = new Date(new Date().toISOString().slice(0, 10));
const month = new Date(`${new Date().toISOString().slice(0, 7)}-01`);
const entries: SpendEntry[] = Array.from({ length: perSecond }, (_, at) =>
  (["global", "openai"] as const).map((scope) => ({ reservationId: null, leaseId: leases[scope], scope, amountUsd: 0.0001 + at * 1e-9, dayStart: day, monthStart: month, at: new Date() })),
).flat();
/** The spend writer's batch of the same entries. */
async function mergedBatch(): Promise<PendingSpend[]> {
  let batch: PendingSpend[] = [];
  const writer = new SpendWriter({ write: async (written) => void (batch = [...written]), logger: silentLogger, delayMs: 60_000, idleDelayMs: 60_000 });
  for (let at = 0; at < entries.length; at += 2) writer.add(entries.slice(at, at + 2));
  await writer.flush();
  return batch;
}
const ways = {
  "one by one": async () => settleBudgets(handle.db, entries, "UTC"),
  merged: async () => settleBudgets(handle.db, await mergedBatch(), "UTC"),
};
try {
  for (const write of Object.values(ways)) for (let warm = 0; warm < 3; warm++) await write();
  console.log(`${perSecond} requests' spend (${entries.length} entries) per statement; load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? Object.entries(ways) : Object.entries(ways).reverse();
    for (const [name, write] of order) {
      const server = serverMs();
      const own = process.cpuUsage();
      for (let repeat = 0; repeat < 20; repeat++) await write();
      const used = process.cpuUsage(own);
      const serverUs = ((serverMs() - server) * 1000) / 20;
      const ownUs = (used.user + used.system) / 20;
      console.log(
        `round ${round} ${name.padEnd(10)} server ${(serverUs / 1000).toFixed(2)} ms, this process ${(ownUs / 1000).toFixed(2)} ms a statement; ` +
          `per request server ${(serverUs / perSecond).toFixed(2)} µs, this process ${(ownUs / perSecond).toFixed(2)} µs`,
      );
    }
  }
} finally {
  await handle.close();
  rmSync(dataDir, { recursive: true, force: true });
}
