import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { doorCorpora } from "../tests/helpers/malformed-corpus";
import { percentile } from "./load";
import { doorScenarios } from "./soak-door-scenarios";
import { malformedScenario, type Scenario, type ScenarioResult, scenarios } from "./soak-scenarios";

/**
 * The soak's client, in its own process so that its connections close when it exits and the
 * proxy's descriptors can be counted without them. Phase "mixed" sends SOAK_REQUESTS requests of
 * the mix at SOAK_CONCURRENCY; phase "corpus" sends the whole malformed corpus (every door's) while
 * one client sends normal requests one after another (chat, Anthropic, Responses in turn), timing
 * each, and records the load average while it runs. SOAK_PHASES picks them (a warm-up runs
 * a short mixed phase alone). The corpus phase's timed client is phase "probe", run by it as a
 * process of its own. Prints one JSON line per phase on stdout.
 *
 * SOAK_PROBE_ONLY_MS: the corpus phase sends no malformed request, and the prober runs alone for
 * that long: the probes' latency on this machine at its present load without the corpus, the floor
 * to compare "normal during the corpus" with on a shared machine.
 */
const origin = process.env.SOAK_ORIGIN!;
const requests = Number(process.env.SOAK_REQUESTS ?? 20_000);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 64);
const maxBodyBytes = Number(process.env.SOAK_MAX_BODY_BYTES);
const timeCapMs = Number(process.env.SOAK_TIME_CAP_MS ?? 600_000);
const phases = (process.env.SOAK_PHASES ?? "mixed,corpus").split(",");

// The prober (phase "probe", a process of its own) sends no malformed request: it skips building them.
const corpus = phases.includes("probe") ? [] : doorCorpora.flatMap((door) => door.generate({ maxBodyBytes }));
const mix: Scenario[] = [...scenarios, ...doorScenarios, malformedScenario(corpus)];

/** The mix as a fixed shuffled cycle of 1000 slots, so every run sends the same sequence. */
function cycle(): Scenario[] {
  const slots = mix.flatMap((scenario) => Array.from({ length: scenario.weight }, () => scenario));
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let index = slots.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [slots[index], slots[other]] = [slots[other]!, slots[index]!];
  }
  return slots;
}

interface Tally {
  sent: number;
  byStatus: Record<string, number>;
  wrong: number;
  proxy5xx: number;
  examples: string[];
  latencies: number[];
  /** The slowest requests of the scenario, with what they were. */
  slowest: Array<{ ms: number; what: string }>;
}

async function runOne(scenario: Scenario, tally: Tally): Promise<void> {
  const started = performance.now();
  let result: ScenarioResult;
  try {
    result = await scenario.run(origin);
  } catch (error) {
    result = { verdict: "wrong", status: -1, detail: `client error: ${(error as Error).message}` };
  }
  const latency = performance.now() - started;
  tally.sent++;
  tally.byStatus[result.status] = (tally.byStatus[result.status] ?? 0) + 1;
  if (result.verdict === "wrong") tally.wrong++;
  if (result.verdict === "proxy-5xx") tally.proxy5xx++;
  if (result.verdict !== "ok" && tally.examples.length < 5) tally.examples.push(`${result.status} ${result.detail ?? ""}`.slice(0, 240));
  if (scenario.normal && result.verdict === "ok") tally.latencies.push(latency);
  const what = result.what ?? (scenario.normal ? scenario.name : undefined);
  if (what && (tally.slowest.length < 5 || latency > tally.slowest.at(-1)!.ms)) {
    tally.slowest = [...tally.slowest, { ms: round(latency), what }].sort((a, b) => b.ms - a.ms).slice(0, 5);
  }
}

const newTally = (): Tally => ({ sent: 0, byStatus: {}, wrong: 0, proxy5xx: 0, examples: [], latencies: [], slowest: [] });
const summary = (tally: Tally) => ({
  sent: tally.sent,
  byStatus: tally.byStatus,
  wrong: tally.wrong,
  proxy5xx: tally.proxy5xx,
  examples: tally.examples,
  slowest: tally.slowest,
  ...(tally.latencies.length > 0 ? { p50Ms: round(percentile(tally.latencies, 50)), p99Ms: round(percentile(tally.latencies, 99)), maxMs: round(Math.max(...tally.latencies)) } : {}),
});
const round = (value: number) => Math.round(value * 10) / 10;

async function mixedPhase() {
  const order = cycle();
  const tallies = new Map(mix.map((scenario) => [scenario.name, newTally()]));
  const started = performance.now();
  let issued = 0;
  let cappedByTime = false;
  const worker = async () => {
    while (issued < requests) {
      if (performance.now() - started > timeCapMs) {
        cappedByTime = true;
        return;
      }
      const scenario = order[issued++ % order.length]!;
      if (issued % 2000 === 0) console.error(`soak: ${issued} requests sent`);
      await runOne(scenario, tallies.get(scenario.name)!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    phase: "mixed",
    elapsedMs: Math.round(performance.now() - started),
    cappedByTime,
    scenarios: Object.fromEntries([...tallies].map(([name, tally]) => [name, summary(tally)])),
  };
}

/**
 * Malformed requests in flight at once in the corpus phase, beside the one timed client
 * (SOAK_CORPUS_CONCURRENCY). Two senders that never pause keep bad input arriving all the time
 * without saturating the proxy's one JavaScript thread; with eight (on 2 cores) every request,
 * good or bad, queues behind the others and the timed client measures the queue, not what bad
 * input does to the proxy (the README gives both).
 */
const CORPUS_CONCURRENCY = Number(process.env.SOAK_CORPUS_CONCURRENCY ?? 2);

/** The whole corpus at CORPUS_CONCURRENCY, with one client timing normal requests meanwhile. */
async function corpusPhase() {
  const malformed = malformedScenario(corpus);
  const corpusTally = newTally();
  // The timed client is a process of its own, so building and sending the corpus's big bodies here
  // cannot delay it: what it measures is the proxy's answer time.
  const stopFile = join(tmpdir(), `soak-probe-stop-${process.pid}`);
  const prober = Bun.spawn([process.execPath, import.meta.path], { env: { ...process.env, SOAK_PHASES: "probe", SOAK_PROBE_STOP: stopFile }, stdout: "pipe", stderr: "inherit" });
  await waitForFile(`${stopFile}.ready`);
  const probeOnlyMs = Number(process.env.SOAK_PROBE_ONLY_MS ?? 0);
  let remaining = probeOnlyMs > 0 ? 0 : corpus.length;
  const started = performance.now();
  const loadAtStart = loadAverage();
  const senders = Array.from({ length: CORPUS_CONCURRENCY }, async () => {
    while (remaining > 0 && performance.now() - started < timeCapMs) {
      remaining--;
      await runOne(malformed, corpusTally);
    }
  });
  await Promise.all(senders);
  if (probeOnlyMs > 0) await Bun.sleep(probeOnlyMs);
  writeFileSync(stopFile, "");
  const probed = JSON.parse((await new Response(prober.stdout).text()).trim()) as { normal: ReturnType<typeof summary> };
  return {
    phase: "corpus",
    concurrency: CORPUS_CONCURRENCY,
    elapsedMs: Math.round(performance.now() - started),
    loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
    corpus: summary(corpusTally),
    normalDuringCorpus: probed.normal,
  };
}

/** The machine's 1-minute load average (2 cores here, shared with other work). */
function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

/** Phase "probe": normal requests one after another, each door in turn, until SOAK_PROBE_STOP exists. */
async function probePhase() {
  const stopFile = process.env.SOAK_PROBE_STOP!;
  const probe = newTally();
  // None of them a cache hit: each scenario sends a prompt of its own.
  const probes = ["completion", "anthropic message", "responses"].map((name) => mix.find((scenario) => scenario.name === name)!);
  writeFileSync(`${stopFile}.ready`, "");
  for (let turn = 0; !existsSync(stopFile); turn++) await runOne(probes[turn % probes.length]!, probe);
  rmSync(stopFile, { force: true });
  rmSync(`${stopFile}.ready`, { force: true });
  return { phase: "probe", normal: summary(probe) };
}

async function waitForFile(path: string): Promise<void> {
  while (!existsSync(path)) await Bun.sleep(5);
}

if (phases.includes("probe")) console.log(JSON.stringify(await probePhase()));
if (phases.includes("mixed")) console.log(JSON.stringify(await mixedPhase()));
if (phases.includes("corpus")) console.log(JSON.stringify(await corpusPhase()));
