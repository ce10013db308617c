import { join, resolve } from "node:path";
import { summarizeGcLog } from "./gc-log-summary";
import { type Column, getTableColumns } from "drizzle-orm";
import type { Database } from "../src/db/client";
import type { CacheWrite } from "../src/db/cache-queries";
import type { SpendEntry } from "../src/db/budget-queries";
import type { RequestLogRow } from "../src/db/schema";

/**
 * `bun run bench/write-literal-costs.ts <baseline tree> [requests per batch]`: the JavaScript the
 * three per-request database writes cost up to postgres.js (the request-log insert's row array,
 * the response cache's and the budget spend's column arrays, statement rendering included), this
 * tree's against another checkout's, in one process and in alternating batches, so the machine's
 * load falls on both alike. The database is a stand-in that keeps the parameters, so it also checks
 * that both trees send the same text. Rows as the benchmark's small request writes them (two
 * spend entries a request, on a lease). µs per request: the fastest and the median batch. Then
 * the heap each side allocates per request, from JavaScriptCore's log of its collections
 * (BUN_JSC_logGC, gc-log-summary.ts), in a child process per side and kind, so the count is that
 * side's alone and does not depend on the machine's load.
 */
const baselineArgument = process.argv[2];
if (!baselineArgument) throw new Error("usage: bun run bench/write-literal-costs.ts <baseline tree> [requests per batch]");
const size = Number(process.argv[3] ?? 25);
const trees = { before: resolve(baselineArgument), after: join(import.meta.dir, "..") };

interface Writers {
  log(db: Database, rows: RequestLogRow[]): Promise<void>;
  cache(db: Database, rows: readonly CacheWrite[]): Promise<void>;
  spend(db: Database, entries: readonly SpendEntry[], timeZone: string): Promise<void>;
}
async function writersOf(tree: string): Promise<Writers> {
  const queries = await import(join(tree, "src/db/queries.ts"));
  const cache = await import(join(tree, "src/db/cache-queries.ts"));
  const budget = await import(join(tree, "src/db/budget-queries.ts"));
  return { log: queries.insertRequestLogs, cache: cache.upsertCachedAnswers, spend: budget.settleBudgets };
}
const sides = { before: await writersOf(trees.before), after: await writersOf(trees.after) };
if (sides.before.log === sides.after.log) throw new Error("the baseline tree resolved to this tree's modules");

/**
 * A postgres.js stand-in: the catalog's column order is the schema's, and each statement's
 * parameters are kept and measured with Buffer.byteLength, postgres.js's first step, which also
 * flattens a string built by concatenation.
 */
const { requestLog } = await import(join(trees.after, "src/db/schema.ts"));
const columnNames = Object.values(getTableColumns(requestLog) as Record<string, Column>).map((column) => ({ name: column.name }));
let sent: unknown[] = [];
const unsafe = (_text: string, parameters: unknown[]) => {
  sent = parameters;
  for (const parameter of parameters) if (typeof parameter === "string") Buffer.byteLength(parameter);
  return Promise.resolve([]);
};
const db = Object.assign(Object.create(null), {
  $client: Object.assign(() => undefined, { unsafe }),
  execute: () => Promise.resolve(columnNames),
}) as unknown as Database;

const body = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1_762_000_000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello from the benchmark upstream.", refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
  service_tier: "default", system_fingerprint: "fp_bench",
});
const lease = crypto.randomUUID();
const dayStart = new Date("2026-12-01T00:00:00.000Z");
const monthStart = new Date("2026-12-01T00:00:00.000Z");
function batch(): { log: RequestLogRow[]; cache: CacheWrite[]; spend: SpendEntry[] } {
  const log: RequestLogRow[] = [];
  const cache: CacheWrite[] = [];
  const spend: SpendEntry[] = [];
  for (let index = 0; index < size; index++) {
    const at = new Date();
    log.push({
      taskId: crypto.randomUUID(), createdAt: at, door: "openai", userAgent: null, requestedModel: "gpt-4o-mini", provider: "openai", model: "gpt-4o-mini",
      stream: false, status: 200, errorType: null, errorMessage: null, finishReason: "stop", tokensIn: 20, tokensOut: 7, cachedTokens: 0, cacheWriteTokens: 0,
      costUsd: 0.0000072 + index * 1e-12, usageEstimated: false, latencyMs: 70 + index, ttftMs: null, promptBytes: 1041, messageCount: 3, tier: "economy", score: 32,
      category: "explain", routeReason: "requested gpt-4o-mini", candidates: ["openai:gpt-4o-mini"], attempts: [{ provider: "openai", model: "gpt-4o-mini" }], fallbacks: 0,
      baselineModel: "openai:gpt-6.2-astra", baselineCostUsd: 0.00044, subscriptionValueUsd: null, sessionKey: `opening:${index.toString(36)}3u2hb74f7js`, cacheStatus: "miss",
      cacheSavedUsd: null, compressionTokensBefore: 219, compressionTokensAfter: 54,
    });
    const key = crypto.randomUUID().replaceAll("-", "");
    cache.push({ key, digest: `${key}${key}`, provider: "openai", model: "gpt-4o-mini", costUsd: 0.0000072, bytes: body.length, body, ttlSeconds: 3600 });
    for (const scope of ["global", "openai"]) spend.push({ reservationId: null, leaseId: lease, scope, amountUsd: 0.0000072, dayStart, monthStart, at });
  }
  return { log, cache, spend };
}

const ALLOCATION_ROUNDS = 1_000;
const kinds: Array<[string, (writers: Writers, input: ReturnType<typeof batch>) => Promise<void>]> = [
  ["request log", (writers, input) => writers.log(db, input.log)],
  ["response cache", (writers, input) => writers.cache(db, input.cache)],
  ["budget spend", (writers, input) => writers.spend(db, input.spend, "UTC")],
];
// A child for the allocation count: one side, one kind, between markers on stderr.
const child = process.env.WRITE_LITERAL_CHILD;
if (child) {
  const [side, kindIndex] = child.split(":") as [keyof typeof sides, string];
  const write = kinds[Number(kindIndex)]![1];
  const inputs = Array.from({ length: 20 }, batch);
  const run = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) for (const input of inputs) await write(sides[side], input);
  };
  await run(100);
  process.stderr.write("\n--- measured ---\n");
  await run(ALLOCATION_ROUNDS);
  process.stderr.write("\n--- end ---\n");
  process.exit(0);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`µs per request, batches of ${size} requests (load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")})`);
for (const [label, write] of kinds) {
  const times: Record<keyof typeof sides, number[]> = { before: [], after: [] };
  const inputs = Array.from({ length: 20 }, batch);
  for (const input of inputs) {
    await write(sides.before, input);
    const before = sent;
    await write(sides.after, input);
    if (JSON.stringify(before) !== JSON.stringify(sent)) throw new Error(`${label}: the two trees sent different parameters`);
  }
  for (let round = 0; round < 200; round++) {
    for (const side of round % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const started = performance.now();
      for (const input of inputs) await write(sides[side], input);
      times[side].push(((performance.now() - started) * 1000) / (inputs.length * size));
    }
  }
  const line = (side: keyof typeof sides) => `${side} ${Math.min(...times[side]).toFixed(2)} / ${median(times[side]).toFixed(2)}`;
  console.log(`${label.padEnd(15)} ${line("before")}   ${line("after")}   (same parameters)`);
}

console.log("KiB allocated per request (a child process per side and kind)");
for (const [index, [label]] of kinds.entries()) {
  const perRequest: string[] = [];
  for (const side of ["before", "after"] as const) {
    const process_ = Bun.spawn([process.execPath, "run", import.meta.path, ...process.argv.slice(2)], {
      env: { ...process.env, WRITE_LITERAL_CHILD: `${side}:${index}`, BUN_JSC_logGC: "1" },
      stdout: "ignore",
      stderr: "pipe",
    });
    const log = await new Response(process_.stderr).text();
    await process_.exited;
    const marker = "\n--- measured ---\n";
    const { allocatedBytes } = summarizeGcLog(log.slice(log.indexOf(marker) + marker.length, log.lastIndexOf("\n--- end ---\n")));
    perRequest.push(`${side} ${(allocatedBytes / (ALLOCATION_ROUNDS * 20 * size) / 1024).toFixed(2)}`);
  }
  console.log(`${label.padEnd(15)} ${perRequest.join("   ")}`);
}
