import type { ChatCompletionChunk } from "../src/chat/types";
import { carriesInternalFields } from "../src/doors/openai/openai-wire";
import { encodeSseData } from "../src/streams/sse-encoder";
import { STREAM_CHUNKS } from "./stream-shape";

/**
 * `bun run bench/openai-chunk-check.ts [rounds]`: what the chat door's check for internal fields
 * (doors/openai/openai-wire.ts) adds to encoding one chunk of an OpenAI upstream's stream, the
 * benchmark's 20-chunk shape, parsed as the provider parses it: the encoder with and without the
 * check, in alternating rounds, median ns per chunk. Isolated because the whole stream path's
 * per-chunk figure (stream-chunk-costs.ts) moves by more than this between runs on a loaded machine.
 */
const rounds = Number(process.argv[2] ?? 31);
const base = { id: "chatcmpl-bench-stream", object: "chat.completion.chunk", created: 1762000000, model: "gpt-4o-mini", service_tier: "default", system_fingerprint: "fp_bench" };
const chunks = [
  ...Array.from({ length: STREAM_CHUNKS }, (_, index) => ({ ...base, choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content: "token0 " } : { content: `token${index} ` }, logprobs: null, finish_reason: null }] })),
  { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] },
  { ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: STREAM_CHUNKS, total_tokens: 20 + STREAM_CHUNKS } },
].map((chunk) => JSON.parse(JSON.stringify(chunk)) as ChatCompletionChunk);

const without = (chunk: ChatCompletionChunk) => encodeSseData(chunk.error ? { error: chunk.error } : chunk);
const withCheck = (chunk: ChatCompletionChunk) => {
  if (chunk.error) return encodeSseData({ error: chunk.error });
  if (!carriesInternalFields(chunk)) return encodeSseData(chunk);
  throw new Error("an OpenAI chunk has no internal field");
};
const checkOnly = (chunk: ChatCompletionChunk) => (carriesInternalFields(chunk) ? 1 : 0);

const perRound = 20_000;
function run(encode: (chunk: ChatCompletionChunk) => unknown): number {
  const start = Bun.nanoseconds();
  for (let repeat = 0; repeat < perRound; repeat++) for (const chunk of chunks) encode(chunk);
  return (Bun.nanoseconds() - start) / (perRound * chunks.length);
}
const results: Record<string, number[]> = { without: [], "with check": [], "check alone": [] };
for (let round = 0; round < rounds; round++) {
  results.without!.push(run(without));
  results["with check"]!.push(run(withCheck));
  results["check alone"]!.push(run(checkOnly));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`chat door, ns per chunk (median of ${rounds} rounds of ${perRound * chunks.length} chunks; load ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")})`);
for (const [name, values] of Object.entries(results)) console.log(`  ${name.padEnd(12)} ${median(values).toFixed(1).padStart(7)} ns`);
