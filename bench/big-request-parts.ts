import { join, resolve } from "node:path";

/**
 * `bun run bench/big-request-parts.ts [claude-code|cline] [tree] [bytes] [rounds]`: the proxy's own
 * functions on an agent request of about `bytes` (agent-requests.ts), each request new and read
 * the way the door reads it (its 8-bit text, so its strings are 8-bit as in the proxy): body
 * parse, the door's check, remembering the client's text, the cache key and the digest stored with
 * the answer, compression, classification (of the compressed request, as the pipeline runs it), the
 * provider's request and its upstream body. µs median per part over `rounds` × 60 requests (and the
 * eighth-fastest, less moved by other processes on a busy machine), in this process; run it on
 * two trees in turn (the inputs come from this tree) to compare a change without the socket, the
 * mock upstream and the database around it (request-timeline.ts has those).
 */
const [client = "claude-code", treeArgument, bytesArgument = "200000", roundsArgument = "6"] = process.argv.slice(2);
const tree = resolve(treeArgument ?? join(import.meta.dir, ".."));
const from = async <T>(path: string) => (await import(join(tree, path))) as T;
const { agentRequestBodies } = await import("./agent-requests");
const { parseOpenAIChatRequest } = await from<{ parseOpenAIChatRequest: (body: unknown) => { data: unknown } }>("src/doors/openai/openai-request-schema.ts");
const { parseJsonBody } = await from<{ parseJsonBody: (bytes: Uint8Array, keep?: object) => unknown }>("src/doors/parse-json-body.ts");
const { rememberClientElements } = await from<{ rememberClientElements: (kept: object, body: unknown, request: unknown) => void }>("src/doors/remember-client-json.ts");
const { classifyRequest } = await from<{ classifyRequest: (request: unknown) => unknown }>("src/routing/classifier/classify-request.ts");
const { compressRequest } = await from<{ compressRequest: (request: unknown) => { request: unknown } }>("src/compression/compress-request.ts");
const { requestKey, requestDigest } = await from<{ requestKey: (request: unknown) => unknown; requestDigest: (key: unknown) => string }>("src/cache/request-key.ts");
const { upstreamBody } = await from<{ upstreamBody: (body: unknown) => unknown }>("src/providers/openai-compatible/spliced-body.ts");
const { toOpenAIRequest } = await from<{ toOpenAIRequest: (request: unknown, model: string, rules: object, logger: unknown) => unknown }>("src/providers/openai-compatible/to-openai-request.ts");
const { silentLogger } = await from<{ silentLogger: unknown }>("src/logger.ts");

const next = agentRequestBodies(client as "claude-code" | "cline", Number(bytesArgument));
// Past the first ten questions: the latest turn's length (and with it the task window) no longer changes.
for (let index = 0; index < 20; index++) next();
const spans = new Map<string, number[]>();
function timed<T>(name: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const values = spans.get(name) ?? [];
  values.push((performance.now() - started) * 1000);
  spans.set(name, values);
  return result;
}
for (let round = 0; round < Number(roundsArgument); round++) {
  const texts = Array.from({ length: 60 }, () => new TextEncoder().encode(next()));
  for (const bytes of texts) {
    const kept = {};
    const body = timed("body parse", () => parseJsonBody(bytes, kept));
    const request = timed("door check", () => parseOpenAIChatRequest(body).data);
    timed("remember", () => rememberClientElements(kept, body, request));
    const key = timed("cache key", () => requestKey(request));
    // After the answer, when it is stored (and on a hit): the digest of the key's words and long strings.
    timed("digest", () => requestDigest(key));
    const compressed = timed("compress", () => compressRequest(request).request);
    timed("classify", () => classifyRequest(compressed));
    const upstream = timed("provider request", () => toOpenAIRequest(compressed, "gpt-4o-mini", { maxTokensField: "max_tokens" }, silentLogger));
    timed("upstream body", () => upstreamBody(upstream));
  }
}
const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
const at = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * share)]!;
console.log(`${client} ~${Number(bytesArgument).toLocaleString("en")} bytes, ${tree}, load average ${load} (µs median / eighth-fastest)`);
console.log(`  ${[...spans].map(([name, values]) => `${name} ${at(values, 0.5).toFixed(0)}/${at(values, 0.125).toFixed(0)}`).join(", ")}`);
