import { readFileSync } from "node:fs";
import { startChild } from "./child-process";
import { smallBufferBody } from "../src/providers/openai-compatible/small-buffer-body";
import { sseDecoderTransformer } from "../src/streams/sse-decoder";
import type { SyncTransformer } from "../src/streams/sync-stage";
import { pullThrough } from "../src/streams/sync-transformer";

/**
 * `bun run bench/stream-end-costs.ts [streams per round] [rounds]`: what the end of an upstream
 * stream costs the JavaScript thread, in one process, with real `fetch` bodies from the benchmark's
 * mock (bench/serve-upstream.ts, its own process: 20 chunks 5 ms apart, then `data: [DONE]` and the
 * body's end), 64 at once, read through the provider's small-buffer body and the SSE decoder, as
 * the proxy reads them. Two ways to end, alternated in rounds: "drain", the code as it is (the
 * decoder's `[DONE]` reads the body to its end, src/streams/drain-source.ts), and "cancel", the same
 * decoder without `endsWithSource`, so its `[DONE]` cancels the body (the code before the drain).
 * Prints the median round's CPU per stream: the JavaScript thread (/proc) and the whole process.
 */
const streamsPerRound = Number(process.argv[2] ?? 1_280);
const rounds = Number(process.argv[3] ?? 6);
const concurrency = 64;

const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const url = `${upstream.origin}/v1/chat/completions`;
const request = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });

/** The decoder as a stage that does not know the source's own end marker: `[DONE]` cancels the source. */
function cancellingDecoder(): SyncTransformer<Uint8Array, unknown> {
  const decoder = sseDecoderTransformer();
  return { transform: (bytes, controller) => decoder.transform!(bytes, controller), flush: (controller) => decoder.flush?.(controller) };
}

const variants: Record<string, () => SyncTransformer<Uint8Array, unknown>> = { drain: sseDecoderTransformer, cancel: cancellingDecoder };

async function oneStream(stage: () => SyncTransformer<Uint8Array, unknown>): Promise<void> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: request });
  let events = 0;
  for await (const _ of pullThrough(smallBufferBody(response.body!), stage())) events++;
  if (events < 20) throw new Error(`only ${events} events`);
}

async function round(stage: () => SyncTransformer<Uint8Array, unknown>, streams: number): Promise<void> {
  let issued = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued++ < streams) await oneStream(stage);
  }));
}

const jsThreadMs = () => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const processMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

for (const stage of Object.values(variants)) await round(stage, 256);
const samples: Record<string, { js: number[]; all: number[] }> = Object.fromEntries(Object.keys(variants).map((name) => [name, { js: [], all: [] }]));
const names = Object.keys(variants);
for (let index = 0; index < rounds; index++) {
  // A-B-B-A: each variant first as often as last.
  for (const name of index % 2 === 0 ? names : [...names].reverse()) {
    const js = jsThreadMs();
    const all = processMs();
    await round(variants[name]!, streamsPerRound);
    samples[name]!.js.push(((jsThreadMs() - js) / streamsPerRound) * 1000);
    samples[name]!.all.push(((processMs() - all) / streamsPerRound) * 1000);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`${streamsPerRound} streams per round, ${rounds} rounds, 64 at once; load average ${loadAverage}`);
for (const name of names) {
  const { js, all } = samples[name]!;
  console.log(`  ${name.padEnd(7)} JS thread ${median(js).toFixed(0)} µs a stream (rounds ${js.map((value) => value.toFixed(0)).join(", ")}), process ${median(all).toFixed(0)} (${all.map((value) => value.toFixed(0)).join(", ")})`);
}
await upstream.stop();
process.exit(0);
