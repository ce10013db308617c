/**
 * Splits a .cpuprofile (bun --cpu-prof, e.g. from bench/profile-proxy.ts) into the proxy's layers:
 * each busy sample is charged to the layer of the nearest frame, from the leaf up, that belongs
 * to one (native frames such as JSON.parse count for the code that called them; native `fetch`
 * has a row of its own). Samples count at most 1.5 ms each, as in summarize-profile.ts.
 *
 *   bun run bench/profile-layers.ts <file.cpuprofile> [skip seconds] [requests]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export {};

const layers: Array<[string, RegExp]> = [
  ["database (request log, PGlite)", /pglite|\/src\/db\/|wasm-function|drizzle-orm|postgres\//],
  ["body read + validation (zod)", /body-limit|json-body|json-depth|parse-json-body|request-schema|\/zod\/|zod-validator|format-validation-error/],
  ["classification", /\/src\/routing\/classifier\//],
  ["routing", /\/src\/routing\//],
  ["compression", /\/src\/compression\//],
  ["cache", /\/src\/cache\//],
  ["budget", /\/src\/budget\//],
  ["openai SDK call", /openai\/(client|internal|core|resources|streaming|uploads|error|index)/],
  ["provider request building", /\/src\/providers\//],
  ["stream translation", /\/src\/streams\/(sse-decoder|sync-transformer|watch-stream)|\/src\/stream-transformers\/|stream-observer/],
  ["encoding (door encoders, SSE)", /encoder|sse-encoder|openai-error/],
  ["metrics", /\/src\/metrics\//],
  ["logging (log record, logger)", /\/src\/logger|log-record|record-outcome/],
  ["pipeline (runner, context, stages)", /\/src\/pipeline\//],
  ["hono (routing, context)", /\/hono\//],
  ["app, security, doors", /\/src\//],
];

const [file, skipArgument = "0", requestsArgument] = process.argv.slice(2);
if (!file) throw new Error("usage: bun run bench/profile-layers.ts <file.cpuprofile> [skip seconds] [requests]");
const profile = (await Bun.file(file).json()) as Profile & { nodes: Array<ProfileNode & { children?: number[] }> };
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

function layerOf(sample: number): string {
  const leaf = nodes.get(sample)!;
  if (leaf.callFrame.functionName === "fetch" && !leaf.callFrame.url) return "native fetch (sending upstream)";
  for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) {
    const frame = nodes.get(id)!.callFrame;
    const where = `${frame.url} ${frame.functionName}`;
    for (const [name, pattern] of layers) if (pattern.test(where)) return name;
  }
  return "Bun runtime (HTTP server, promises, GC, other)";
}

const skip = Number(skipArgument) * 1e6;
const byLayer = new Map<string, number>();
let total = 0;
let clock = 0;
for (const [index, sample] of profile.samples.entries()) {
  const delta = profile.timeDeltas[index] ?? 0;
  clock += delta;
  if (clock < skip) continue;
  const name = nodes.get(sample)?.callFrame.functionName;
  if (name === "(idle)" || name === "(program)") continue;
  const ms = Math.min(delta / 1000, 1.5);
  total += ms;
  const layer = layerOf(sample);
  byLayer.set(layer, (byLayer.get(layer) ?? 0) + ms);
}
const requests = Number(requestsArgument ?? NaN);
console.log(`busy time sampled: ${total.toFixed(0)} ms${Number.isFinite(requests) ? ` over ${requests} requests` : ""}`);
for (const [layer, ms] of [...byLayer].sort((a, b) => b[1] - a[1])) {
  const perRequest = Number.isFinite(requests) ? `${((ms * 1000) / requests).toFixed(1).padStart(7)} µs/request` : "";
  console.log(`${layer.padEnd(48)}${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${perRequest}`);
}
