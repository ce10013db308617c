import { createDirectChatCall } from "../src/providers/openai-compatible/direct-chat-call";
import { sdkRequestTemplate } from "../src/providers/openai-compatible/sdk-request-template";
import { announce, onParentGone } from "./child-ready";

/**
 * The JSON floor (serve-restream.ts, RESTREAM_KIND=json, non-stream answers) with the proxy's upstream
 * call swapped in one difference at a time, for bench/fetch-gap.ts. FETCH_GAP, comma-separated:
 * - `headers`: the proxy's eleven SDK headers as an array of pairs (sdk-request-template.ts), not two in an object;
 * - `string-body`: the body as the JSON string (not an ArrayBuffer); `view-body`: as a view of a kept
 *   64 KiB buffer, as spliced-body.ts hands Bun's fetch a transient body;
 * - `signal`: dispatch's own AbortController (client-abort listener, timeout timer) instead of the request's signal;
 * - `text-read`: the answer read as text() and JSON.parse with the content-type checks of direct-chat-call.ts, not json();
 * - `direct`: the proxy's own createDirectChatCall (template, send, read) in place of the fetch and read;
 * - `canned`: no fetch: the mock's answer from memory (what the fetch costs is the difference);
 * - `burn=<µs>`: that much JavaScript work before the fetch, as the proxy's stages do
 *   (what a fetch costs when the JavaScript thread is busy, not the work itself);
 * - `immediate`: the fetch started from setImmediate (after the loop's other ready work), so the fetches
 *   of one turn reach the HTTP-client thread together;
 * - `ballast`: ~40 MB of small live objects kept, a live heap nearer the proxy's (serve-proxy-layers.ts's);
 * - `sweep=<KiB>`: that much memory written before the fetch (the fetch's own code and data then run
 *   from cold caches, as after the proxy's stages).
 */
const upstreamOrigin = process.env.BENCH_UPSTREAM_ORIGIN;
if (!upstreamOrigin) throw new Error("BENCH_UPSTREAM_ORIGIN is not set");
const options = new Map((process.env.FETCH_GAP ?? "").split(",").filter(Boolean).map((item) => item.split("=") as [string, string | undefined]));
const known = ["headers", "string-body", "view-body", "signal", "text-read", "direct", "canned", "burn", "sweep", "immediate", "ballast"];
for (const name of options.keys()) if (!known.includes(name)) throw new Error(`FETCH_GAP: unknown ${name}; one of ${known.join(", ")}`);
const burnMicros = Number(options.get("burn") ?? 0);
const swept = new Uint8Array(Number(options.get("sweep") ?? 0) * 1024);
let sweeps = 0;
const ballast = options.has("ballast") ? Array.from({ length: 400_000 }, (_, index) => ({ index, text: `entry ${index}`, list: [index] })) : [];

const url = `${upstreamOrigin}/v1/chat/completions`;
const template = sdkRequestTemplate({ apiKey: "sk-bench-not-a-real-key", baseUrl: `${upstreamOrigin}/v1` }, {});
if (!template) throw new Error("no SDK request template");
const sdkHeaders = [...new Headers((await template.buildRequest({ method: "post", path: "/chat/completions", body: {} })).req.headers as Record<string, string>)];
const chat = createDirectChatCall(template);
const cannedText = await (
  await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) })
).text();
const kept = Buffer.allocUnsafeSlow(64 * 1024);

function burn(): void {
  if (swept.length) swept.fill(++sweeps & 255);
  if (!burnMicros) return;
  const until = performance.now() + burnMicros / 1000;
  while (performance.now() < until);
}

function signalOf(request: Request): { signal: AbortSignal; done(): void } {
  if (!options.has("signal")) return { signal: request.signal, done() {} };
  const upstream = new AbortController();
  const onClientAbort = () => upstream.abort(new Error("client closed"));
  request.signal.addEventListener("abort", onClientAbort);
  const timer = setTimeout(() => upstream.abort(new Error("timeout")), 600_000);
  return {
    signal: upstream.signal,
    done() {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", onClientAbort);
    },
  };
}

function bodyOf(parsed: unknown): RequestInit["body"] {
  const text = JSON.stringify(parsed);
  if (options.has("string-body")) return text;
  if (options.has("view-body")) return kept.subarray(0, kept.write(text, 0, "utf8"));
  return new TextEncoder().encode(text).buffer as ArrayBuffer;
}

async function answerOf(response: Response): Promise<unknown> {
  if (!options.has("text-read")) return await response.json();
  const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  const text = await response.text();
  if (!(mediaType?.includes("application/json") || mediaType?.endsWith("+json"))) return text;
  if (response.headers.get("content-length") === "0" || !text) return undefined;
  return JSON.parse(text);
}

async function upstreamAnswer(request: Request, parsed: Record<string, unknown>): Promise<unknown> {
  if (options.has("canned")) return JSON.parse(cannedText);
  if (options.has("immediate")) await new Promise((resolve) => setImmediate(resolve));
  const { signal, done } = signalOf(request);
  try {
    if (options.has("direct")) return await chat.read(await chat.send(parsed, signal));
    const headers = options.has("headers") ? sdkHeaders : { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "" };
    return await answerOf(await fetch(url, { method: "POST", headers, body: bodyOf(parsed), signal }));
  } finally {
    done();
  }
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const parsed = (await request.json()) as Record<string, unknown>;
    burn();
    const answer = await upstreamAnswer(request, parsed);
    return new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } });
  },
});

announce({ port: server.port });
onParentGone(async () => {
  await server.stop(true);
  announce({ stopped: true, ballast: ballast.length });
});
