import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requestKey } from "../src/cache/request-key";
import { type ChatRequest, chatRequestSchema } from "../src/chat/request-schema";
import { loadConfig } from "../src/config";
import { silentLogger } from "../src/logger";
import type { PipelineContext, Stage } from "../src/pipeline/context";
import { createContext } from "../src/pipeline/create-context";
import { budget } from "../src/pipeline/stages/budget";
import { cache } from "../src/pipeline/stages/cache";
import { classify } from "../src/pipeline/stages/classify";
import { compress } from "../src/pipeline/stages/compress";
import { route } from "../src/pipeline/stages/route";
import { buildProxy } from "../src/server";

/**
 * `bun run bench/stage-costs.ts`: what each stage costs per request, measured on the stage
 * functions alone, in this process (the machine may be loaded by other work; `bun run bench`
 * measures the whole proxy against a bare pass-through). Three request sizes: the benchmark's
 * ~1 KB question, and the median and the largest of the blind routing-eval cases (~8 KB and
 * ~44 KB, Claude Code with its system prompt and tool schemas). µs per call, each call on a
 * fresh context, for the fastest and the median batch of 10 calls.
 *
 * The budget stage is measured with no budget set (the default: it only leaves its finish hook)
 * and with one, where its cost is one database round trip on the embedded PGlite (the reservation).
 */
const proxy = await buildProxy(
  loadConfig({
    OPENAI_API_KEY: "sk-bench-stage-costs",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
    DATA_DIR: "memory://",
    LOG_LEVEL: "silent",
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
  }),
  silentLogger,
);
const deps = proxy.pipeline;

const blind = readFileSync(join(import.meta.dir, "..", "tests", "fixtures", "routing-eval", "blind", "a", "cases.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { request: Record<string, unknown> }).request)
  .sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length);
const benchBody = {
  model: "gpt-4o-mini",
  temperature: 0.2,
  messages: [
    { role: "system", content: "You are a careful senior engineer. Answer briefly and precisely." },
    { role: "user", content: `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}` },
  ],
};
const sizes: Array<[string, Record<string, unknown>]> = [
  ["bench body", benchBody],
  // Routed as `auto` (the cases name Claude models, which no provider serves here).
  ["median eval case", { ...blind[Math.floor(blind.length / 2)]!, model: "auto" }],
  ["largest eval case", { ...blind.at(-1)!, model: "auto" }],
];

/**
 * A request as a door hands it on: parsed from JSON text (a structuredClone copy is slower to walk,
 * and no request is made that way), then validated.
 */
const parsed = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A request of this shape that no other call asked: every cache lookup is a miss. */
let sequence = 0;
function fresh(body: Record<string, unknown>): ChatRequest {
  const request = chatRequestSchema.parse(parsed(body));
  request.messages.push({ role: "user", content: `question ${++sequence}` });
  return request;
}
const context = (request: ChatRequest) => createContext({ door: "openai", request, http: new Request("http://127.0.0.1/v1/chat/completions", { method: "POST" }) });

/**
 * Calls the stage on fresh contexts (built before the clock starts) in many batches of 10. On a
 * machine shared with other work the wall clock also counts time spent waiting for a core, and
 * the CPU clock counts the runtime's JIT and GC threads, so the figures are the fastest batch
 * (closest to the stage's own cost) and the median batch, per call.
 */
async function measure(label: string, calls: number, prepare: () => PipelineContext, stage: Stage): Promise<{ best: number; median: number }> {
  const batch = 10;
  // Warm-up: the JIT, the caches.
  for (const item of Array.from({ length: batch * 3 }, prepare)) await stage(item, deps);
  const perCall: number[] = [];
  for (let measured = 0; measured < calls; measured += batch) {
    const contexts = Array.from({ length: batch }, prepare);
    const started = performance.now();
    for (const item of contexts) await stage(item, deps);
    perCall.push(((performance.now() - started) / batch) * 1000);
  }
  perCall.sort((a, b) => a - b);
  const best = perCall[0]!;
  const median = perCall[Math.floor(perCall.length / 2)]!;
  console.log(`  ${label.padEnd(40)}${best.toFixed(1).padStart(9)} µs best${median.toFixed(1).padStart(10)} µs median`);
  return { best, median };
}

const routed = (request: ChatRequest) => {
  const item = context(request);
  classify(item, deps);
  route(item, deps);
  return item;
};

console.log(`stage costs — Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [name, body] of sizes) {
  const sample = chatRequestSchema.parse(parsed(body));
  const calls = JSON.stringify(body).length > 20_000 ? 400 : 2_000;
  console.log(`${name} (${JSON.stringify(body).length.toLocaleString("en")} characters of JSON, ${calls} calls)`);
  await measure("cache key alone (requestKey)", calls, () => context(fresh(body)), async (item) => void requestKey(item.request));
  await measure("cache stage, miss", calls, () => context(fresh(body)), cache);
  // One stored answer, then every call asks the same question.
  const asked = fresh(body);
  deps.cache!.service.store({ key: requestKey(asked), completion: completionFor(asked.model), provider: "openai", model: "gpt-4o-mini", costUsd: 0.0001 });
  await measure("cache stage, hit (answer built, L1)", calls, () => context(parsed(asked)), cache);
  await measure("compress stage", calls, () => context(parsed(sample)), compress);
  await measure("classify stage", calls, () => context(parsed(sample)), classify);
  await measure("route stage", calls, () => routed(parsed(sample)), async (item) => route(item, deps));
  await measure("budget stage, no budget set", calls, () => routed(parsed(sample)), budget);
}

await deps.budgets.setLimits([{ scope: "global", period: "daily", limitUsd: 1_000_000 }]);
console.log("with a budget set (one reservation per request, embedded PGlite in this process)");
await measure("budget stage, budget set", 400, () => routed(fresh(benchBody)), budget);
await proxy.close();

function completionFor(model: string) {
  return {
    id: "chatcmpl-stage-costs",
    object: "chat.completion" as const,
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant" as const, content: "An answer of ordinary length, a few sentences long, as a cached answer would be.", refusal: null }, finish_reason: "stop" as const, logprobs: null }],
    usage: { prompt_tokens: 300, completion_tokens: 60, total_tokens: 360 },
  };
}
