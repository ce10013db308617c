import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/client";
import { startProxyProcess } from "../tests/helpers/proxy-process";
import { createScratchDatabase } from "./scratch-database";
import { alive, countByKind, descendants, descriptorTargets } from "./process-watch";
import { startSoakUpstream } from "./soak-upstream";
import { startEnvironment } from "./start-environment";
import { treeNow } from "./memory-report";
import { watchEventLoop } from "./event-loop-gaps";
import { summarizeGcLog } from "./gc-log-summary";
import { cpuSnapshot, describeShare } from "./machine-share";

/**
 * `bun run soak`: the real proxy (`src/index.ts`, its own process, embedded PGlite in a throwaway
 * DATA_DIR) under SOAK_REQUESTS (20,000) mixed requests at concurrency 64 from a client process
 * (bench/soak-load.ts) through every door (OpenAI chat, Anthropic Messages, Responses): streams and
 * not, fallbacks, failing and stalling upstreams, client aborts, response-cache hits, the fake
 * claude CLI, and the malformed-request corpus of every door; then the corpus alone while normal
 * requests are timed. Upstreams are mocks on 127.0.0.1 (bench/soak-upstream.ts). Prints what a
 * healthy proxy must show: no proxy-caused 5xx, one row per request, RSS flat after warm-up, no
 * descriptor or child left behind. Stops by itself (SOAK_TIME_CAP_MS per phase).
 *
 * For the corpus phase it also prints what else could hold a request up, so that a slow one can be
 * told apart from the proxy's own work: this process's event loop (it hosts the mock upstream), who
 * had the machine's CPU, and with SOAK_LOG_GC=1 the proxy's garbage collections (BUN_JSC_logGC).
 */
const requests = Number(process.env.SOAK_REQUESTS ?? 20_000);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 64);
const timeCapMs = Number(process.env.SOAK_TIME_CAP_MS ?? 600_000);
const maxBodyBytes = 2 * 1024 * 1024;
const fakeCli = new URL("../tests/helpers/fake-claude-cli.ts", import.meta.url).pathname;

const directory = mkdtempSync(join(tmpdir(), "claude-proxy-soak-"));
// mkdtemp makes it 0700; the embedded PostgreSQL server runs as `nobody` when we are root and must enter it.
chmodSync(directory, 0o755);
const dataDir = join(directory, "data");
// With SOAK_DATABASE_URL the log goes to a scratch database on that PostgreSQL server, dropped afterwards.
const scratch = process.env.SOAK_DATABASE_URL ? await createScratchDatabase(process.env.SOAK_DATABASE_URL) : undefined;
const cliRecords = join(directory, "cli-records");
Bun.spawnSync(["mkdir", "-p", cliRecords]);
const upstream = startSoakUpstream();
// This process answers as the upstream: a stall here is the benchmark's, not the proxy's.
const ownEventLoop = watchEventLoop();
const customProviders = [
  { id: "flaky", baseUrl: `${upstream.origin}/flaky/v1`, apiKey: "sk-soak-flaky", models: [{ id: "gpt-4o-mini", inputPricePerMillion: 0.01, outputPricePerMillion: 0.02, tier: "economy" }] },
  { id: "broken", baseUrl: `${upstream.origin}/broken/v1`, apiKey: "sk-soak-broken", models: [{ id: "soak-broken", tier: "economy" }] },
  { id: "stall", baseUrl: `${upstream.origin}/stall/v1`, apiKey: "sk-soak-stall", models: [{ id: "soak-stall", tier: "economy" }] },
];
const eventLoopReport = join(directory, "event-loop.json");
const proxy = await startProxyProcess({
  cwd: directory,
  // SOAK_PROFILE_DIR: a CPU profile of the proxy, written when it exits (bench/summarize-profile.ts reads it).
  bunArguments: ["--preload", join(import.meta.dir, "event-loop-monitor.ts"), ...(process.env.SOAK_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SOAK_PROFILE_DIR}`] : [])],
  env: {
    // As `bun run start` runs it (heap size, fetch limit).
    ...startEnvironment(),
    EVENT_LOOP_REPORT: eventLoopReport,
    ...(process.env.SOAK_LOG_GC === "1" ? { BUN_JSC_logGC: "1" } : {}),
    // On, as by default: the cache scenarios must hit; every other request has a prompt of its own.
    // SOAK_CACHE=false turns it off to compare (the cache scenarios then fail).
    CACHE_ENABLED: process.env.SOAK_CACHE ?? "true",
    DATA_DIR: dataDir,
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    LOG_LEVEL: "info",
    MAX_BODY_BYTES: String(maxBodyBytes),
    OPENAI_API_KEY: "sk-soak-openai-key",
    OPENAI_BASE_URL: `${upstream.origin}/openai/v1`,
    CUSTOM_PROVIDERS: JSON.stringify(customProviders),
    CLAUDE_CLI_ENABLED: "true",
    CLAUDE_CLI_PATH: fakeCli,
    FAKE_CLAUDE_RECORD_DIR: cliRecords,
    UPSTREAM_TIMEOUT_MS: "1500",
    UPSTREAM_IDLE_TIMEOUT_MS: "750",
    CIRCUIT_COOLDOWN_MS: "1000",
  },
});
const pid = proxy.child.pid;
/** The proxy's RSS plus its embedded database server's PSS, in MiB (treeNow counts bytes). */
const treeMiB = (processId: number) => treeNow(processId) / (1024 * 1024);
const atListen = treeMiB(pid);

/** Runs the client process (bench/soak-load.ts) to its end and returns its reports. */
async function runLoad(env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const load = Bun.spawn([process.execPath, "run", join(import.meta.dir, "soak-load.ts")], {
    env: { ...process.env, SOAK_ORIGIN: proxy.origin, SOAK_UPSTREAM_ORIGIN: upstream.origin, SOAK_CONCURRENCY: String(concurrency), SOAK_MAX_BODY_BYTES: String(maxBodyBytes), SOAK_TIME_CAP_MS: String(timeCapMs), ...env },
    stdout: "pipe",
    stderr: "inherit",
  });
  const killLoad = setTimeout(() => load.kill("SIGKILL"), 2 * timeCapMs + 60_000);
  const lines = (await new Response(load.stdout).text()).split("\n").filter((line) => line.startsWith("{"));
  await load.exited;
  clearTimeout(killLoad);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

// A warm-up of every kind of request (its client gone when it ends), then the state to compare against.
// Long enough (SOAK_WARM_UP, 6,000) for the bounded in-memory tables (remembered tasks and sessions,
// the cache's index and its in-process copies) to fill: before that RSS grows by design.
const warmUp = (await runLoad({ SOAK_REQUESTS: process.env.SOAK_WARM_UP ?? "6000", SOAK_PHASES: "mixed" }))[0] as { scenarios: Record<string, { sent: number }> };
const warmUpSent = Object.values(warmUp.scenarios).reduce((sum, tally) => sum + tally.sent, 0);
await Bun.sleep(1000);
const start = { rssMiB: treeMiB(pid), descriptors: descriptorTargets(pid), children: descendants(pid) };

/** The proxy's event-loop tally since the last call (bench/event-loop-monitor.ts). */
async function eventLoop(): Promise<Record<string, unknown>> {
  rmSync(eventLoopReport, { force: true });
  proxy.child.kill("SIGUSR2");
  for (let waited = 0; waited < 5000 && !existsSync(eventLoopReport); waited += 20) await Bun.sleep(20);
  return existsSync(eventLoopReport) ? (JSON.parse(readFileSync(eventLoopReport, "utf8")) as Record<string, unknown>) : {};
}
// RSS once a second while the load runs.
const rss: Array<{ atS: number; mib: number }> = [];
const began = performance.now();
const sampler = setInterval(() => rss.push({ atS: Math.round((performance.now() - began) / 1000), mib: Math.round(treeMiB(pid)) }), 1000);
await eventLoop();
const reports = await runLoad({ SOAK_REQUESTS: String(requests), SOAK_PHASES: "mixed" });
clearInterval(sampler);
const eventLoopMixed = await eventLoop();
/**
 * From the proxy's own histogram of added time (its time minus the upstream's): how many requests,
 * and how many took more than 50 ms of the proxy's own time, for answered requests (a provider)
 * and refused ones (provider "none").
 */
async function addedOver50Ms(): Promise<Record<"answered" | "refused", { count: number; over50: number }>> {
  const text = await (await fetch(`${proxy.origin}/metrics`)).text();
  const tally = { answered: { count: 0, over50: 0 }, refused: { count: 0, over50: 0 } };
  for (const line of text.split("\n")) {
    if (!line.startsWith("claude_proxy_added_duration_seconds") || !line.includes('measure="total"')) continue;
    const side = line.includes('provider="none"') ? tally.refused : tally.answered;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (line.startsWith("claude_proxy_added_duration_seconds_count")) {
      side.count += value;
      side.over50 += value;
    } else if (line.includes('le="0.05"')) side.over50 -= value;
  }
  return tally;
}
const addedBeforeCorpus = await addedOver50Ms();
const gcLogFrom = proxy.stderr().length;
const cpuBeforeCorpus = cpuSnapshot();
ownEventLoop.take();
const corpusStarted = new Date();
reports.push(...(await runLoad({ SOAK_REQUESTS: String(requests), SOAK_PHASES: "corpus" })));
const corpusEnded = new Date();
const ownEventLoopCorpus = ownEventLoop.take();
const machineDuringCorpus = describeShare(cpuBeforeCorpus, cpuSnapshot());
const gcDuringCorpus = process.env.SOAK_LOG_GC === "1" ? summarizeGcLog(proxy.stderr().slice(gcLogFrom)) : undefined;
const addedAfterCorpus = await addedOver50Ms();
const addedDuringCorpus = (side: "answered" | "refused") => ({
  count: addedAfterCorpus[side].count - addedBeforeCorpus[side].count,
  over50: addedAfterCorpus[side].over50 - addedBeforeCorpus[side].over50,
});
const eventLoopCorpus = await eventLoop();

// The client's connections are gone with its process; closing the upstreams closes the proxy's pooled ones.
await upstream.close();
await Bun.sleep(2000);
const end = { rssMiB: treeMiB(pid), descriptors: descriptorTargets(pid), children: descendants(pid) };
const startTargets = [...start.descriptors.values()];
const newDescriptors = [...end.descriptors.entries()].filter(([fd, target]) => start.descriptors.get(fd) !== target).map(([fd, target]) => `${fd}→${target}`);
const goneDescriptors = startTargets.length + newDescriptors.length - end.descriptors.size;
const grandchildren = readdirSync(cliRecords).flatMap((file) => {
  const record = JSON.parse(readFileSync(join(cliRecords, file), "utf8")) as { grandchildPid?: number };
  return record.grandchildPid ? [record.grandchildPid] : [];
});
const cliRuns = readdirSync(cliRecords).length;
const leftGrandchildren = grandchildren.filter(alive);

// The embedded database server (present from the start) is the proxy's own; any other child is left over.
const databaseServer = new Set(start.children.filter((child) => child.command.includes("postgres")).map((child) => child.pid));
const leftChildren = end.children.filter((child) => !databaseServer.has(child.pid));

proxy.child.kill("SIGTERM");
const exitCode = await proxy.exited;
await Bun.sleep(500);
const databaseServerAfterExit = [...databaseServer].filter(alive);
const database = await openDatabase({ dataDir, databaseUrl: scratch?.url });
const counted = await database.db.execute(sql`select count(*)::int as rows from request_log`);
const rows = ((counted as unknown as { rows: Array<{ rows: number }> }).rows ?? (counted as unknown as Array<{ rows: number }>))[0]!.rows;
// The normal requests of the corpus phase as the proxy itself timed them (arrival to last byte, in
// its log): what the proxy did, apart from the time a request waited for a core before it arrived.
const proxyTimed = await database.db.execute(
  sql`select count(*)::int as requests, coalesce(max(latency_ms), 0)::int as max_ms,
        coalesce(percentile_disc(0.99) within group (order by latency_ms), 0)::int as p99_ms
      from request_log where status = 200 and created_at between ${corpusStarted.toISOString()} and ${corpusEnded.toISOString()}`,
);
const slowestLogged = await database.db.execute(
  sql`select latency_ms, ttft_ms, door, provider, model, fallbacks, left(attempts::text, 300) as attempts
      from request_log where status = 200 and created_at between ${corpusStarted.toISOString()} and ${corpusEnded.toISOString()}
      order by latency_ms desc limit 3`,
);
const slowestRows = (slowestLogged as unknown as { rows: unknown[] }).rows ?? (slowestLogged as unknown as unknown[]);
const proxyTimedRow = ((proxyTimed as unknown as { rows: Array<{ requests: number; max_ms: number; p99_ms: number }> }).rows ??
  (proxyTimed as unknown as Array<{ requests: number; max_ms: number; p99_ms: number }>))[0]!;
await database.close();
await scratch?.drop();

// ---- the report ----
type Summary = { sent: number; byStatus: Record<string, number>; wrong: number; proxy5xx: number; examples: string[]; p50Ms?: number; p99Ms?: number; maxMs?: number };
const mixed = reports.find((report) => report.phase === "mixed") as { elapsedMs: number; cappedByTime: boolean; scenarios: Record<string, Summary> } | undefined;
const corpus = reports.find((report) => report.phase === "corpus") as
  | { concurrency: number; elapsedMs: number; loadAverage: { atStart: number; atEnd: number }; corpus: Summary; normalDuringCorpus: Summary }
  | undefined;
if (!mixed || !corpus) throw new Error("the load client ended without its reports");
const all = [...Object.values(mixed.scenarios), corpus.corpus, corpus.normalDuringCorpus];
const sent = all.reduce((sum, tally) => sum + tally.sent, 0) + warmUpSent;
const proxy5xx = all.reduce((sum, tally) => sum + tally.proxy5xx, 0);
const wrong = all.reduce((sum, tally) => sum + tally.wrong, 0);
const afterWarmUp = rss.slice(Math.floor(rss.length / 5));
const mixedSent = Object.values(mixed.scenarios).reduce((sum, tally) => sum + tally.sent, 0);
const pad = (text: string, width: number) => text.padEnd(width);

console.log(
  `\nclaude-proxy soak: ${sent} requests: a warm-up of ${warmUpSent}, ${mixedSent} mixed at concurrency ${concurrency} in ${(mixed.elapsedMs / 1000).toFixed(1)} s ` +
    `(${Math.round(mixedSent / (mixed.elapsedMs / 1000))}/s)${mixed.cappedByTime ? ", CAPPED BY TIME" : ""}, then the corpus of ${corpus.corpus.sent} at concurrency ${corpus.concurrency} in ${(corpus.elapsedMs / 1000).toFixed(1)} s\n`,
);
console.log(`${pad("scenario", 36)}${pad("sent", 8)}${pad("wrong", 7)}${pad("proxy 5xx", 11)}statuses (0 = client left)`);
for (const [name, tally] of [...Object.entries(mixed.scenarios), ["corpus alone", corpus.corpus] as const, ["normal during the corpus", corpus.normalDuringCorpus] as const]) {
  console.log(`${pad(name, 36)}${pad(String(tally.sent), 8)}${pad(String(tally.wrong), 7)}${pad(String(tally.proxy5xx), 11)}${Object.entries(tally.byStatus).map(([status, count]) => `${status}×${count}`).join(" ")}`);
  for (const example of tally.examples) console.log(`    ${example}`);
}
const normalNames = ["completion", "stream", "anthropic message", "anthropic stream", "responses", "responses stream"];
const normal = normalNames.map((name) => mixed.scenarios[name]!);
console.log("");
console.log(`proxy-caused 5xx:            ${proxy5xx}${proxy5xx === 0 ? "" : "   <-- must be 0"}   (answers other than expected: ${wrong})`);
console.log(`rows = requests:             ${rows} rows for ${sent} requests${rows === sent ? "" : "   <-- MISMATCH"}   (proxy exit code ${exitCode})`);
console.log(
  `memory (MiB, the proxy's RSS + its database server's PSS): at listen ${Math.round(atListen)} (a new data directory), after the warm-up ${Math.round(start.rssMiB)}, ` +
    `at 20% of the run ${afterWarmUp[0]?.mib}, max from then ${Math.max(...afterWarmUp.map((sample) => sample.mib))}, end ${Math.round(end.rssMiB)}`,
);
console.log(`memory every 10% of the run: ${rss.filter((_, index) => index % Math.max(1, Math.round(rss.length / 10)) === 0).map((sample) => `${sample.atS}s:${sample.mib}`).join("  ")}`);
console.log(`open descriptors:            start ${JSON.stringify(countByKind(start.descriptors))}, end ${JSON.stringify(countByKind(end.descriptors))}`);
if (newDescriptors.length > 0) console.log(`  opened since start (${goneDescriptors} closed): ${newDescriptors.join(", ")}`);
console.log(
  `child processes:             start ${start.children.length} (embedded database server ${databaseServer.size}), end ${end.children.length}, left over ${leftChildren.length}${leftChildren.length > 0 ? ` ${JSON.stringify(leftChildren)}` : ""}; ` +
    `database server processes alive after the proxy exited ${databaseServerAfterExit.length}; claude CLI runs ${cliRuns}, their grandchildren ${grandchildren.length}, still alive ${leftGrandchildren.length}`,
);
console.log(`normal latency, mixed load:  p50 ${normal.map((tally) => tally.p50Ms).join("/")} ms, p99 ${normal.map((tally) => tally.p99Ms).join("/")} ms, max ${normal.map((tally) => tally.maxMs).join("/")} ms`);
console.log(`                             (${normalNames.join("/")})`);
const probe = corpus.normalDuringCorpus as Summary & { slowest?: Array<{ ms: number; what: string }> };
console.log(
  `normal during the corpus:    ${probe.sent} requests (chat, Anthropic, Responses in turn), p50 ${probe.p50Ms} ms, p99 ${probe.p99Ms} ms, max ${probe.maxMs} ms` +
    `${(probe.maxMs ?? Infinity) < 50 ? "" : "   <-- target < 50 ms"}; load average ${corpus.loadAverage.atStart} → ${corpus.loadAverage.atEnd} (2 cores)`,
);
console.log(
  `  as the proxy timed them:   ${proxyTimedRow.requests} answered, p99 ${proxyTimedRow.p99_ms} ms, max ${proxyTimedRow.max_ms} ms (its log's latency_ms: arrival to last byte)` +
    `${proxyTimedRow.max_ms < 50 ? "" : "   <-- target < 50 ms"}`,
);
console.log(
  `  the proxy's own time:      ${JSON.stringify({ normal: addedDuringCorpus("answered"), malformed: addedDuringCorpus("refused") })} ` +
    `(its added-time histogram, measure=total: latency minus the wait for the upstream; over50 = requests above 50 ms)`,
);
console.log(`  their slowest rows:        ${JSON.stringify(slowestRows)}`);
console.log(`slowest normal probes:       ${(probe.slowest ?? []).map((entry) => `${entry.what} (${entry.ms} ms)`).join("; ")}`);
const describeLoop = (tally: Record<string, unknown>) =>
  `longest gap ${tally.longestGapMs} ms, ${tally.gapsOver50Ms} over 50 ms; on its own CPU: longest ${tally.longestBusyGapMs} ms, ${tally.busyGapsOver10Ms} over 10 ms, ${tally.busyGapsOver50Ms} over 50 ms; ` +
  `its JavaScript thread's CPU in one gap (its own work, whatever the load): longest ${tally.longestThreadCpuGapMs} ms, ${tally.threadCpuGapsOver10Ms} over 10 ms, ${tally.threadCpuGapsOver20Ms} over 20 ms`;
console.log(`proxy event loop, mixed:     ${describeLoop(eventLoopMixed)}`);
console.log(`proxy event loop, corpus:    ${describeLoop(eventLoopCorpus)}; longest gaps (ms, CPU ms): ${JSON.stringify(eventLoopCorpus.longestGaps)}`);
console.log(`mock upstream's loop, corpus: ${describeLoop(ownEventLoopCorpus)} (this process; a stall here is the benchmark's)`);
console.log(`machine during the corpus:   ${machineDuringCorpus}`);
if (gcDuringCorpus) {
  console.log(
    `proxy GC during the corpus:  ${gcDuringCorpus.full} full and ${gcDuringCorpus.eden} eden collections, pauses ${gcDuringCorpus.pauseMs} ms in all, longest ${gcDuringCorpus.longestPauseMs} ms` +
      (gcDuringCorpus.full > gcDuringCorpus.eden / 2 ? " (many full ones: a heap growth factor under 1.5, see bench/gc-log-summary.ts)" : ""),
  );
}
const slowest = (corpus.corpus as Summary & { slowest?: Array<{ ms: number; what: string }> }).slowest ?? [];
console.log(`slowest malformed requests:  ${slowest.map((entry) => `${entry.what} (${entry.ms} ms)`).join("; ")}`);

rmSync(directory, { recursive: true, force: true });
process.exit(proxy5xx === 0 && rows === sent && leftChildren.length === 0 && databaseServerAfterExit.length === 0 && leftGrandchildren.length === 0 ? 0 : 1);
