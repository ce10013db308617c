import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dlopen, FFIType, ptr } from "bun:ffi";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { createLogger } from "../src/logger";
import { serveOptions } from "../src/serve-options";
import { buildProxy } from "../src/server";
import { bodyInit, doorCorpora, type MalformedRequest } from "../tests/helpers/malformed-corpus";
import { startMockOpenAIUpstream } from "../tests/helpers/mock-openai-upstream";

/**
 * What each malformed request of the corpus costs the proxy: the proxy in this process (as
 * `bun run start` builds it, info logging to /dev/null, the embedded database in a throwaway directory), the corpus sent one
 * request at a time, each timed to its last byte along with the longest stall of the event loop
 * (a 1 ms timer) while it ran. Lists the costliest, to find what holds the loop up while
 * `bun run soak` times normal requests beside the corpus.
 *
 *   bun run bench/corpus-costs.ts [rounds (2)] [top (25)]
 */
const rounds = Number(process.argv[2] ?? 2);
const top = Number(process.argv[3] ?? 25);
const maxBodyBytes = 2 * 1024 * 1024;
const upstream = startMockOpenAIUpstream();
const config = loadConfig({
  OPENAI_API_KEY: "sk-bench-upstream-key-1234567890",
  OPENAI_BASE_URL: upstream.url,
  MAX_BODY_BYTES: String(maxBodyBytes),
  OLLAMA_ENABLED: "false",
  CLAUDE_CLI_ENABLED: "false",
});
const devNull = Bun.file("/dev/null").writer();
const logger = createLogger("info", (line) => void devNull.write(`${line}\n`));
// The embedded database as `bun run start` (and the soak) runs it where PostgreSQL is installed: a
// server process of its own. PGlite in memory would run every batched insert on this thread and
// charge it to whichever request it lands on.
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-corpus-costs-"));
chmodSync(dataDir, 0o755);
const database = await openDatabase({ dataDir: join(dataDir, "data") });
const proxy = await buildProxy(config, logger, { database });
const app = createApp({ pipeline: proxy.pipeline, maxBodyBytes, database: proxy.database.kind });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, ...serveOptions() });
// Bodies encoded once here, so that encoding them is not charged to this thread while a request is timed.
const encoder = new TextEncoder();
const corpus = doorCorpora.flatMap((door) =>
  door.generate({ maxBodyBytes }).map((request) => ({ ...request, name: `${door.door}: ${request.name}`, body: typeof request.body === "string" ? encoder.encode(request.body) : request.body })),
);

/** CPU time of this thread (the JavaScript thread) in ms: Bun's HTTP threads and GC helpers are left out. */
const libc = dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", { clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 } });
const timespec = new BigInt64Array(2);
const CLOCK_THREAD_CPUTIME_ID = 3;
function threadCpuMs(): number {
  libc.symbols.clock_gettime(CLOCK_THREAD_CPUTIME_ID, ptr(timespec));
  return Number(timespec[0]!) * 1000 + Number(timespec[1]!) / 1e6;
}

let stall = 0;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  stall = Math.max(stall, now - last);
  last = now;
}, 1);

async function timed(request: MalformedRequest): Promise<{ ms: number; cpuMs: number; stallMs: number; status: number }> {
  await Bun.sleep(2);
  stall = 0;
  last = performance.now();
  const started = performance.now();
  const cpu = threadCpuMs();
  const response = await fetch(`http://127.0.0.1:${server.port}${request.path}`, { method: request.method, headers: request.headers, body: bodyInit(request), duplex: "half" } as RequestInit);
  await response.arrayBuffer();
  return { ms: performance.now() - started, cpuMs: threadCpuMs() - cpu, stallMs: Math.max(stall, performance.now() - last), status: response.status };
}

const costs = new Map<string, { ms: number[]; cpuMs: number[]; stallMs: number[]; status: number }>();
for (let round = 0; round < rounds; round++) {
  for (const request of corpus) {
    const cost = await timed(request);
    const entry = costs.get(request.name) ?? { ms: [], cpuMs: [], stallMs: [], status: cost.status };
    entry.ms.push(cost.ms);
    entry.cpuMs.push(cost.cpuMs);
    entry.stallMs.push(cost.stallMs);
    costs.set(request.name, entry);
  }
}
// The least of the rounds: the first includes compiling the code paths, and any round a collection or a busy machine.
const least = (values: number[]) => Math.min(...values);
const rows = [...costs].map(([name, entry]) => ({ name, status: entry.status, ms: least(entry.ms), cpuMs: least(entry.cpuMs), stallMs: least(entry.stallMs) }));
const round1 = (value: number) => value.toFixed(1).padStart(6);
console.log(`${corpus.length} malformed requests, ${rounds} rounds; load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}`);
console.log(`wall ${Math.round(rows.reduce((sum, row) => sum + row.ms, 0))} ms; longest loop stall ${round1(Math.max(...rows.map((row) => row.stallMs)))} ms; stalls over 10 ms: ${rows.filter((row) => row.stallMs > 10).length}`);
const cpuSorted = rows.map((row) => row.cpuMs).sort((a, b) => a - b);
console.log(`JavaScript thread CPU ${Math.round(rows.reduce((sum, row) => sum + row.cpuMs, 0))} ms: per request median ${cpuSorted[Math.floor(cpuSorted.length / 2)]!.toFixed(2)} ms, p90 ${cpuSorted[Math.floor(cpuSorted.length * 0.9)]!.toFixed(2)} ms; over 5 ms: ${rows.filter((row) => row.cpuMs > 5).length}`);
const print = (title: string, key: "stallMs" | "cpuMs") => {
  console.log(`\n${title} (ms to the last byte, CPU ms, longest stall ms, status, request)`);
  for (const row of [...rows].sort((a, b) => b[key] - a[key]).slice(0, top)) console.log(`${round1(row.ms)} ${round1(row.cpuMs)} ${round1(row.stallMs)}  ${row.status}  ${row.name.slice(0, 100)}`);
};
print("longest loop stalls", "stallMs");
print("most CPU", "cpuMs");
await server.stop(true);
await proxy.close();
await database.close();
await upstream.close();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
