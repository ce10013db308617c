import { readFileSync } from "node:fs";
import { join } from "node:path";
import { largestEvalCase } from "./largest-eval-case";
import { requestKey } from "../src/cache/request-key";
import { chatRequestSchema } from "../src/chat/request-schema";
import { firstTooDeep } from "../src/doors/json-depth";
import { firstLoneSurrogate } from "../src/doors/lone-surrogate";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "../src/doors/openai/openai-request-schema";
import { MAX_JSON_DEPTH, parseJsonBody } from "../src/doors/parse-json-body";
import { agentRequestBodies } from "./agent-requests";

/**
 * `bun run bench/door-costs.ts`: what the OpenAI door's checks cost per request before the
 * pipeline starts (UTF-8 decode, nesting scan, JSON.parse, lone-surrogate scan, the zod schemas and
 * the door's own check, which builds the common turns and tools without zod),
 * and the two other passes over the whole body on the way upstream (the cache key, JSON.stringify),
 * in this process, for the benchmark's ~1 KB question, the largest blind eval case (~44 KB) and a
 * ~200 KB Claude Code request (agent-requests.ts). µs per call: fastest and median batch of 10.
 */
const largest = largestEvalCase();
const benchBody = {
  model: "gpt-4o-mini",
  temperature: 0.2,
  messages: [
    { role: "system", content: "You are a careful senior engineer. Answer briefly and precisely." },
    { role: "user", content: `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}` },
  ],
};
const sizes: Array<[string, string]> = [
  ["bench body", JSON.stringify(benchBody)],
  ["largest eval case", JSON.stringify({ ...largest, model: "auto" })],
  ["claude code ~200 KB", agentRequestBodies("claude-code", 200_000)()],
];

function measure(label: string, calls: number, run: () => unknown): number {
  const batch = 10;
  for (let index = 0; index < batch * 5; index++) run();
  const perCall: number[] = [];
  for (let done = 0; done < calls; done += batch) {
    const started = performance.now();
    for (let index = 0; index < batch; index++) run();
    perCall.push(((performance.now() - started) / batch) * 1000);
  }
  perCall.sort((a, b) => a - b);
  const median = perCall[Math.floor(perCall.length / 2)]!;
  console.log(`  ${label.padEnd(36)}${perCall[0]!.toFixed(1).padStart(9)} µs best${median.toFixed(1).padStart(10)} µs median`);
  return median;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
console.log(`door costs — Bun ${Bun.version}, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [name, json] of sizes) {
  const bytes = new TextEncoder().encode(json);
  const calls = bytes.length > 100_000 ? 300 : bytes.length > 20_000 ? 1_000 : 5_000;
  const value = JSON.parse(json) as unknown;
  const request = chatRequestSchema.parse(JSON.parse(json));
  console.log(`${name} (${bytes.length.toLocaleString("en")} bytes)`);
  measure("UTF-8 decode (fatal)", calls, () => utf8.decode(bytes));
  measure("nesting scan", calls, () => firstTooDeep(json, MAX_JSON_DEPTH));
  measure("JSON.parse", calls, () => JSON.parse(json));
  measure("lone-surrogate scan", calls, () => firstLoneSurrogate(json));
  measure("parseJsonBody (all four)", calls, () => parseJsonBody(bytes));
  measure("zod safeParse (chat schema)", calls, () => chatRequestSchema.safeParse(value));
  measure("zod safeParse (OpenAI door schema)", calls, () => openaiChatRequestSchema.safeParse(value));
  measure("OpenAI door's check (known fields)", calls, () => parseOpenAIChatRequest(value));
  measure("door total (parse + door's check)", calls, () => parseOpenAIChatRequest(parseJsonBody(bytes)));
  measure("cache key (requestKey)", calls, () => requestKey(request));
  measure("JSON.stringify (upstream body)", calls, () => JSON.stringify(request));
}
