import { PGlite } from "@electric-sql/pglite";
import initdbWasmPath from "@electric-sql/pglite/initdb.wasm" with { type: "file" };
import { drizzle } from "drizzle-orm/pglite";
import { type Database, type DatabaseHandle, openDatabase } from "../src/db/client";
import { loadPgliteFiles } from "../src/db/pglite-files";
import { RequestLogWriter } from "../src/db/request-log-writer";
import type { RequestLogRow } from "../src/db/schema";
import { applyEmbeddedMigrations } from "../src/db/run-migrations";
import { createLogger } from "../src/logger";
import { type WorkerMessage, benchRow } from "./embedded-database-rows";

/**
 * One embedded-database option in a process of its own, for bench/embedded-database-options.ts:
 *   bun run bench/embedded-database-option.ts <option> <data dir> first|load
 * `first` opens an empty directory (a first start) and exits; `load` opens the existing one, idles,
 * then writes request-log rows through the real RequestLogWriter at a steady rate while timing
 * how late a 1 ms timer fires on the main thread (how much the database blocks the event loop).
 * Prints JSON lines the parent reads: {phase:"ready",startMs}, {phase:"loaded",...}.
 */
export type OptionName = "pglite-before" | "pglite-tuned" | "pglite-worker" | "native-postgres";
const [option, dataDir, phase] = process.argv.slice(2) as [OptionName, string, "first" | "load"];
const rowsPerSecond = Number(process.env.BENCH_ROWS_PER_SECOND ?? 2_000);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const idleMs = 3_000;
const logger = createLogger("silent");

interface Sink {
  record(row: RequestLogRow): void;
  close(): Promise<number>;
}

const started = performance.now();
const sink = await open(option);
say({ phase: "ready", startMs: performance.now() - started });
if (phase === "first") {
  await sink.close();
  process.exit(0);
}
await Bun.sleep(idleMs);
say({ phase: "idle" });

const lags: number[] = [];
let last = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  lags.push(now - last - 1);
  last = now;
}, 1);
const ticks = loadSeconds * 50;
for (let tick = 0; tick < ticks; tick++) {
  for (let index = 0; index < rowsPerSecond / 50; index++) sink.record(benchRow());
  await Bun.sleep(20);
}
clearInterval(lagTimer);
const written = await sink.close();
lags.sort((a, b) => a - b);
say({ phase: "loaded", rows: written, lagP99Ms: lags[Math.floor(lags.length * 0.99)] ?? NaN, lagMaxMs: lags.at(-1) ?? NaN });
process.exit(0);

function say(line: Record<string, unknown>) {
  console.log(JSON.stringify(line));
}

async function open(name: OptionName): Promise<Sink> {
  switch (name) {
    case "pglite-before":
      return writerSink(await openPgliteAsBefore(), 500, 20);
    case "pglite-tuned":
      return writerSink(await openDatabase({ dataDir, embedded: "pglite" }), 100, 20);
    case "native-postgres":
      return writerSink(await openDatabase({ dataDir, embedded: "postgres" }), 500, 5);
    case "pglite-worker":
      return workerSink();
  }
}

async function writerSink(handle: DatabaseHandle, maxBatch: number, flushIntervalMs: number): Promise<Sink> {
  const writer = new RequestLogWriter(handle.db, { flushIntervalMs, maxBatch, logger });
  return {
    record: (row) => writer.record(row),
    async close() {
      await writer.close();
      const written = writer.status().written;
      await handle.close();
      return written;
    },
  };
}

/** Today's code before this change: PGlite runs initdb itself on an empty directory. */
async function openPgliteAsBefore(): Promise<DatabaseHandle> {
  const files = await loadPgliteFiles();
  const initdbWasmModule = await WebAssembly.compile(await Bun.file(initdbWasmPath).arrayBuffer());
  const client = new PGlite(dataDir, { ...files, initdbWasmModule, startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"] });
  const db = drizzle(client) as unknown as Database;
  await applyEmbeddedMigrations(db);
  return { db, kind: "pglite", description: "PGlite as before", close: () => client.close() };
}

/** PGlite in a Worker: the main thread posts rows; the worker runs the writer and the database. */
async function workerSink(): Promise<Sink> {
  const worker = new Worker(new URL("./embedded-database-worker.ts", import.meta.url).href);
  const reply = (type: WorkerMessage["type"]) =>
    new Promise<WorkerMessage>((resolve, reject) => {
      const listener = (event: MessageEvent<WorkerMessage>) => {
        if (event.data.type === "failed") reject(new Error(event.data.message));
        if (event.data.type !== type) return;
        worker.removeEventListener("message", listener);
        resolve(event.data);
      };
      worker.addEventListener("message", listener);
    });
  const ready = reply("ready");
  worker.postMessage({ type: "open", dataDir } satisfies WorkerMessage);
  await ready;
  let pending: RequestLogRow[] = [];
  const flusher = setInterval(() => {
    if (pending.length === 0) return;
    worker.postMessage({ type: "rows", rows: pending } satisfies WorkerMessage);
    pending = [];
  }, 20);
  return {
    record: (row) => pending.push(row),
    async close() {
      clearInterval(flusher);
      worker.postMessage({ type: "rows", rows: pending } satisfies WorkerMessage);
      const closed = reply("closed");
      worker.postMessage({ type: "close" } satisfies WorkerMessage);
      const result = await closed;
      worker.terminate();
      return result.type === "closed" ? result.written : -1;
    },
  };
}
