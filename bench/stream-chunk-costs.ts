import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChatRequest } from "../src/chat/request-schema";
import type { ChatCompletionChunk } from "../src/chat/types";
import { openaiEncoder } from "../src/doors/openai/openai-encoder";
import { createLogger } from "../src/logger";
import { withFirstChunk } from "../src/pipeline/stages/dispatch";
import { observeStream } from "../src/pipeline/stream-observer";
import { createOpenAICompatibleProvider } from "../src/providers/openai-compatible/openai-compatible-provider";
import { createRedactor } from "../src/security/redactor";
import { STREAM_CHUNKS } from "./stream-shape";

/**
 * `bun run bench/stream-chunk-costs.ts [streams per round] [rounds]`: the CPU each stage of the
 * stream path costs per chunk, in one process, with the real code: an OpenAI-wire upstream body
 * (the benchmark's 20-chunk stream and the recorded fixtures of tests/fixtures/openai, one network
 * read per event) → the OpenAI-compatible provider's SSE decoding and chunk normalising → the
 * dispatch stage's stream watch → the pipeline's stream observer (keeping the chunks, as the cache
 * does) → the OpenAI door's SSE encoder, read to the end as Bun's server reads a Response body.
 * Each variant stops after one more stage; variants alternate in rounds, 16 streams at once, and
 * the median round is printed as µs per upstream event. "upstream only" reads the raw body: what a
 * bare pass-through pays.
 */
const streamsPerRound = Number(process.argv[2] ?? 400);
const rounds = Number(process.argv[3] ?? 9);
const concurrency = 16;

const encoder = new TextEncoder();
const fixtureDir = join(import.meta.dir, "../tests/fixtures/openai");
const fixtureNames = ["text-with-usage", "read-file-tool-call", "parallel-tool-calls", "reasoning-ollama", "cache-write-usage"];
const fixtures = fixtureNames.map((name) =>
  readFileSync(join(fixtureDir, `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => encoder.encode(`data: ${line}\n\n`)),
);
// The shape bench/serve-upstream.ts streams (20 content chunks, finish, usage, [DONE]).
const base = { id: "chatcmpl-bench-stream", object: "chat.completion.chunk", created: 1762000000, model: "gpt-4o-mini", service_tier: "default", system_fingerprint: "fp_bench" };
const event = (payload: unknown) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
const benchStream = [
  ...Array.from({ length: STREAM_CHUNKS }, (_, index) =>
    event({ ...base, choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content: "token0 " } : { content: `token${index} ` }, logprobs: null, finish_reason: null }] }),
  ),
  event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] }),
  event({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: STREAM_CHUNKS, total_tokens: 20 + STREAM_CHUNKS } }),
  encoder.encode("data: [DONE]\n\n"),
];
// Four bench streams for every fixture stream: the bench shape is what `bun run bench` measures.
const bodies = [benchStream, benchStream, benchStream, benchStream, ...fixtures];

function upstreamBody(events: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // One network read per event, as the mock upstream sends them 5 ms apart.
      await null;
      if (index < events.length) controller.enqueue(events[index++]!);
      else controller.close();
    },
  });
}

let current: readonly Uint8Array[] = benchStream;
let eventsRead = 0;
const provider = createOpenAICompatibleProvider({
  id: "openai",
  displayName: "OpenAI",
  baseUrl: "http://127.0.0.1:9/v1",
  apiKey: "sk-bench",
  maxTokensField: "max_completion_tokens",
  capabilities: { tools: true, vision: true, jsonMode: true, reasoning: true },
  listModels: async () => [],
  logger: createLogger("silent"),
  fetch: (async () => new Response(upstreamBody(current), { headers: { "content-type": "text/event-stream" } })) as unknown as typeof fetch,
});
const redactor = createRedactor();
const request = { model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] } as unknown as ChatRequest;
const requestNoUsage = { ...request, stream_options: undefined } as unknown as ChatRequest;

type Stage = "upstream only" | "provider decode" | "+ watch" | "+ observer" | "+ door encoder";
const allStages: Stage[] = ["upstream only", "provider decode", "+ watch", "+ observer", "+ door encoder"];
// STREAM_CHUNK_STAGE=<stage>: that stage alone (stream-chunk-allocation.ts runs each in a process of its own).
const stages: Stage[] = process.env.STREAM_CHUNK_STAGE ? allStages.filter((stage) => stage === process.env.STREAM_CHUNK_STAGE) : allStages;
if (stages.length === 0) throw new Error(`STREAM_CHUNK_STAGE must be one of: ${allStages.join(", ")}`);

async function drain<T>(stream: ReadableStream<T>): Promise<number> {
  const reader = stream.getReader();
  let count = 0;
  for (;;) {
    const { done } = await reader.read();
    if (done) return count;
    count++;
  }
}

async function runOne(stage: Stage, events: readonly Uint8Array[], usage: boolean): Promise<void> {
  current = events;
  if (stage === "upstream only") {
    await drain(upstreamBody(events));
    return;
  }
  const signal = new AbortController().signal;
  let chunks: ReadableStream<ChatCompletionChunk> = await provider.stream({ request, model: "gpt-4o-mini", signal });
  if (stage === "provider decode") {
    await drain(chunks);
    return;
  }
  // dispatch.ts's own first-chunk check, then the rest watched.
  chunks = await withFirstChunk(chunks, { idleMs: 60_000, idleError: () => new Error("idle") });
  if (stage === "+ watch") {
    await drain(chunks);
    return;
  }
  chunks = observeStream(chunks, { startedAt: performance.now(), clientSignal: signal, keepAnswer: true, redactor, promptTokensEstimate: () => 0, onEnd: () => {} });
  if (stage === "+ observer") {
    await drain(chunks);
    return;
  }
  const response = openaiEncoder(usage ? request : requestNoUsage).stream(chunks, new Headers(), { heartbeatMs: 15_000, signal });
  await drain(response.body!);
}

/** µs per upstream event: wall clock, and the process's CPU (steadier on a shared machine). */
async function round(stage: Stage): Promise<{ wall: number; cpu: number }> {
  let events = 0;
  let next = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const worker = async () => {
    while (next < streamsPerRound) {
      const index = next++;
      const body = bodies[index % bodies.length]!;
      events += body.length;
      eventsRead += body.length;
      await runOne(stage, body, index % 2 === 0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: ((performance.now() - started) * 1000) / events, cpu: (cpu.user + cpu.system) / events };
}

// Warm up every stage (the JIT's tiers), then alternate.
for (const stage of stages) await round(stage);
for (const stage of stages) await round(stage);
const results = new Map<Stage, { wall: number; cpu: number }[]>(stages.map((stage) => [stage, []]));
// Where the measured rounds' part of a BUN_JSC_logGC log starts and ends (stream-chunk-allocation.ts).
console.error("--- measured ---");
eventsRead = 0;
for (let index = 0; index < rounds; index++) {
  const order = index % 2 === 0 ? stages : [...stages].reverse();
  for (const stage of order) results.get(stage)!.push(await round(stage));
}

console.error(`--- end: ${eventsRead} events ---`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`stream path, µs per upstream event, wall clock and CPU (median of ${rounds} rounds of ${streamsPerRound} streams, ${concurrency} at once; load ${load})`);
let previous = { wall: 0, cpu: 0 };
for (const stage of stages) {
  const wall = median(results.get(stage)!.map((result) => result.wall));
  const cpu = median(results.get(stage)!.map((result) => result.cpu));
  const step = (value: number, before: number) => (before ? `+${(value - before).toFixed(2)}` : "—");
  console.log(`  ${stage.padEnd(18)} ${wall.toFixed(2).padStart(7)} µs (${step(wall, previous.wall)})   CPU ${cpu.toFixed(2).padStart(7)} µs (${step(cpu, previous.cpu)})`);
  previous = { wall, cpu };
}
