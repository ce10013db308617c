import { agentRequestBodies } from "./agent-requests";
import { startChild } from "./child-process";
import type { ChatRequest } from "../src/chat/request-schema";
import { compressRequest } from "../src/compression/compress-request";
import { parseOpenAIChatRequest } from "../src/doors/openai/openai-request-schema";
import { type KeptText, parseJsonBody } from "../src/doors/parse-json-body";
import { rememberClientElements } from "../src/doors/remember-client-json";
import { silentLogger } from "../src/logger";
import { upstreamBody } from "../src/providers/openai-compatible/spliced-body";
import { toOpenAIRequest } from "../src/providers/openai-compatible/to-openai-request";

/**
 * `bun run bench/upstream-body-costs.ts [bytes] [requests]`: the upstream call of an agent-sized
 * chat request, paired in one process: the same body (built as the proxy builds it: the door,
 * compression, the provider's body) sent to the benchmark's mock upstream with fetch, once as
 * JSON.stringify's string (before) and once as upstreamBody's bytes (spliced-body.ts), in
 * alternating order, so the machine's load falls on both alike. Median wall time of the call
 * (body, fetch, the answer read) and CPU of the process per call (all threads), and the body
 * alone. The bodies are distinct strings from distinct request texts, as in the proxy.
 */
const bytes = Number(process.argv[2] ?? 200_000);
const requests = Number(process.argv[3] ?? 200);
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const url = `${upstream.origin}/v1/chat/completions`;
const headers = { "content-type": "application/json", authorization: "Bearer bench" };

const next = agentRequestBodies("claude-code", bytes);
function proxyBody(): Record<string, unknown> {
  const kept: KeptText = {};
  const parsed = parseJsonBody(new TextEncoder().encode(next()), kept);
  const result = parseOpenAIChatRequest(parsed);
  if (!result.success) throw new Error("the benchmark body did not pass the door");
  rememberClientElements(kept, parsed, result.data);
  return toOpenAIRequest(compressRequest(result.data as ChatRequest).request, "gpt-4o-mini", { maxTokensField: "max_tokens" }, silentLogger);
}

const ways = {
  stringify: (body: Record<string, unknown>) => JSON.stringify(body),
  spliced: (body: Record<string, unknown>) => upstreamBody(body),
};
type Way = keyof typeof ways;
const samples: Record<Way, { wall: number[]; cpu: number[]; build: number[] }> = {
  stringify: { wall: [], cpu: [], build: [] },
  spliced: { wall: [], cpu: [], build: [] },
};

async function call(way: Way, body: Record<string, unknown>, record: boolean): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const payload = ways[way](body);
  const built = performance.now();
  await (await fetch(url, { method: "POST", headers, body: payload })).arrayBuffer();
  const ended = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  if (!record) return;
  samples[way].wall.push(ended - started);
  samples[way].build.push(built - started);
  samples[way].cpu.push((cpu.user + cpu.system) / 1000);
}

try {
  for (let index = 0; index < 30; index++) {
    const body = proxyBody();
    await call("stringify", body, false);
    await call("spliced", body, false);
  }
  for (let index = 0; index < requests; index++) {
    // Two bodies from two texts, so neither call finds the other's strings warm.
    const [first, second] = [proxyBody(), proxyBody()];
    const order: Way[] = index % 2 === 0 ? ["stringify", "spliced"] : ["spliced", "stringify"];
    await call(order[0]!, first, true);
    await call(order[1]!, second, true);
  }
} finally {
  await upstream.stop(2_000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
console.log(`upstream call of a ~${bytes.toLocaleString("en")}-byte agent request, ${requests} pairs, load average ${load}`);
for (const way of ["stringify", "spliced"] as const) {
  const { wall, cpu, build } = samples[way];
  console.log(`  ${way.padEnd(10)} body ${(median(build) * 1000).toFixed(0).padStart(5)} µs   call ${(median(wall) * 1000).toFixed(0).padStart(5)} µs   CPU ${(median(cpu) * 1000).toFixed(0).padStart(5)} µs  (medians)`);
}
