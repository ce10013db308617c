import { Hono } from "hono";
import { requireJsonContentType, validateJsonBody } from "../src/doors/json-body";
import { openaiDoor } from "../src/doors/openai/openai-door";
import { openaiEncoder } from "../src/doors/openai/openai-encoder";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "../src/doors/openai/openai-request-schema";
import { createLogger } from "../src/logger";
import type { PipelineDeps, Stage } from "../src/pipeline/context";
import { defaultStages } from "../src/pipeline/run-pipeline";
import { classify } from "../src/pipeline/stages/classify";
import { type Classification, classifyRequest } from "../src/routing/classifier/classify-request";
import { describeRequest } from "../src/routing/classifier/describe-request";
import { extractTaskText } from "../src/routing/classifier/extract-task-text";
import { serveOptions } from "../src/serve-options";
import { buildProxy } from "../src/server";
import type { RequestLogSink } from "../src/db/request-log-writer";
import type { ChatCompletion } from "../src/chat/types";
import { benchProxyConfig } from "./bench-proxy-config";
import { benchProxyEnv } from "./bench-budget";
import { announce, onParentGone } from "./child-ready";

/**
 * The benchmark's proxy with layers cut or replaced, one process per variant, for measuring by
 * construction where the proxy's CPU goes beyond a JSON floor (bench/floor-bisect.ts). Bench-only:
 * every switch is made from outside src/ (the app's dependencies, the exported stage list, the
 * fetch buildProxy takes). LAYERS_CUTS, comma-separated:
 * - `hono-floor`: no proxy at all: serve-restream.ts's `json` floor as one Hono route;
 * - `door-only`: a Hono app with the chat door's checks (content type, JSON parse, schema) and its
 *   encoder answering a canned completion: no app middlewares, context, pipeline or log row;
 * - `canned-stages`: the real app, every stage replaced by one that answers a canned completion
 *   (parsed from the mock's text each request, as dispatch parses the upstream's);
 * - `canned-upstream`: the real app and stages, the upstream fetch answered in-process by a canned
 *   Response (the mock's bytes): no HTTP client, socket or mock;
 * - `upto-<stage>`: the real stages up to the one of that name (feedbackIntercept, cache, compress,
 *   classify, route, budget), then the canned answer in place of dispatch and the upstream;
 * - `classify-extract`, `classify-describe`: the classify stage does only the classifier's first
 *   step (the task text) or its first three (text, background kind, features), then sets a fixed
 *   classification (with `upto-classify`: how the classifier's cost splits);
 * - `canned-served`: with `upto-budget`, the canned answer marked as served by the route's first
 *   candidate, as dispatch marks it (what the row, cost and success rates do with a served answer);
 * - `canned-provider`: dispatch runs, the provider's complete() answers the canned completion;
 * - `delayed-upstream`: the canned Response after a 2 ms timer: in flight across a wait, no socket;
 * - `plain-fetch`: the upstream fetch with the floor's two headers and no abort signal;
 *   `unsignalled-fetch`: with its own headers, without the signal;
 * - `socket-fetch`: the upstream fetch through the JavaScript-thread HTTP/1.1 client
 *   (bench/upstream-http/socket-fetch.ts) instead of Bun's fetch;
 * - `ballast`: ~40 MB of small objects kept alive (with `hono-floor`: a floor with a larger live heap);
 * - `no-classify`: the classify stage left out (the bench body names a model, so routing goes on);
 * - `no-log-write`: rows built and counted in metrics, never queued for the database;
 * - `no-log`: the sink does nothing (no metrics either);
 * - `cache-lookup-only`: with the cache on, a miss keys and looks up as usual, and the answer is
 *   stored nowhere (no serialising, digest, memory entry, index key or table write);
 * - `cache-memory-only`: the answer is stored in memory and the key index as usual, and the
 *   table write is dropped (no array literals, statement or PostgreSQL work);
 * - `cache-index-full`: the cache's key index filled to its bound (200,000 keys, none a request's)
 *   before the first request, as in a proxy that has answered that many different requests a day.
 * BENCH_UPSTREAM_URL, BENCH_DATA_DIR, BENCH_PROXY_ENV as in serve-proxy.ts.
 */
const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
const dataDir = process.env.BENCH_DATA_DIR;
if (!upstreamUrl || !dataDir) throw new Error("BENCH_UPSTREAM_URL and BENCH_DATA_DIR must be set");
const cuts = new Set((process.env.LAYERS_CUTS ?? "").split(",").filter(Boolean));
const known = ["socket-fetch", "delayed-upstream", "canned-served", "plain-fetch", "unsignalled-fetch", "ballast", "classify-extract", "classify-describe", "canned-provider", "hono-floor", "door-only", "canned-stages", "canned-upstream", "no-classify", "no-log-write", "no-log", "cache-lookup-only", "cache-memory-only", "cache-index-full"];
for (const cut of cuts) if (!known.includes(cut) && !cut.startsWith("upto-")) throw new Error(`LAYERS_CUTS: unknown ${cut}; one of ${known.join(", ")}`);

// The mock upstream's answer for the bench body's model (serve-upstream.ts), byte for byte.
const cannedText = await (
  await fetch(`${upstreamUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) })
).text();
// `delayed-upstream`: the canned answer after 2 ms (about the mock's answer time at 32 connections): requests stay in flight across a wait, with no socket.
const delayedFetch = (async () => {
  await Bun.sleep(2);
  return new Response(cannedText, { headers: { "content-type": "application/json" } });
}) as unknown as typeof fetch;
// `plain-fetch` / `unsignalled-fetch`: the real fetch, with the floor's two headers and no signal, or with only the signal left out.
const plainFetch = ((url: string, init: RequestInit) =>
  fetch(url, { method: "POST", body: init.body, headers: { "content-type": "application/json", authorization: "Bearer sk-bench-not-a-real-key" } })) as unknown as typeof fetch;
const unsignalledFetch = ((url: string, init: RequestInit) => fetch(url, { ...init, signal: undefined })) as unknown as typeof fetch;
// `ballast`: ~40 MB of small live objects, kept: the floor with a live heap nearer the proxy's.
const ballast = cuts.has("ballast") ? Array.from({ length: 400_000 }, (_, index) => ({ index, text: `entry ${index}`, list: [index] })) : [];
const cannedFetch = (async () => new Response(cannedText, { headers: { "content-type": "application/json" } })) as unknown as typeof fetch;

function honoFloor(): Hono {
  const origin = new URL(upstreamUrl!).origin;
  const app = new Hono();
  app.post("/v1/chat/completions", async (c) => {
    const parsed = await c.req.json();
    const response = await fetch(`${origin}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: c.req.header("authorization") ?? "" },
      body: JSON.stringify(parsed),
      signal: c.req.raw.signal,
    });
    return new Response(JSON.stringify(await response.json()), { status: response.status, headers: { "content-type": "application/json" } });
  });
  return app;
}

function doorOnly(deps: PipelineDeps): Hono {
  const app = new Hono();
  app.post("/v1/chat/completions", requireJsonContentType(openaiDoor, deps), validateJsonBody(openaiDoor, deps, openaiChatRequestSchema, parseOpenAIChatRequest, "client-json"), (c) => {
    const request = c.req.valid("json");
    return openaiEncoder(request).completion(JSON.parse(cannedText) as ChatCompletion, new Headers());
  });
  return app;
}

// Loaded only for its cut: FLOOR_BISECT_BASELINE copies this file into a checkout without bench/upstream-http/.
const socketFetch = async () => (await import("./upstream-http/socket-fetch")).createSocketFetch();
const config = benchProxyConfig(upstreamUrl, dataDir, { ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}), ...benchProxyEnv() });
const upstreamFetch = cuts.has("canned-upstream") ? cannedFetch : cuts.has("delayed-upstream") ? delayedFetch : cuts.has("plain-fetch") ? plainFetch : cuts.has("unsignalled-fetch") ? unsignalledFetch : cuts.has("socket-fetch") ? await socketFetch() : undefined;
const proxy = await buildProxy(config, createLogger(config.logLevel), { ...(upstreamFetch ? { fetch: upstreamFetch } : {}), finishAfterAnswer: true });

// The app's routes read these through the same `pipeline` object and the same stage array, so changing them here takes effect.
const cannedStage: Stage = async (context) => {
  // `canned-served`: answered as if the route's first candidate had served it (the row's cost, success rates, breakers' hook absent).
  const first = cuts.has("canned-served") ? context.route?.candidates[0] : undefined;
  if (first) {
    context.served = first;
    context.attempts.push({ provider: first.provider.id, model: first.model });
  }
  return { kind: "completion", completion: JSON.parse(cannedText) as ChatCompletion };
};
if (cuts.has("canned-stages")) defaultStages.splice(0, defaultStages.length, cannedStage);
// `upto-<stage>`: the real stages up to that one (feedbackIntercept, cache, compress, classify, route, budget), then the canned answer.
const upto = [...cuts].find((cut) => cut.startsWith("upto-"))?.slice(5);
if (upto) {
  const last = defaultStages.findIndex((stage) => stage.name === upto);
  if (last === -1) throw new Error(`LAYERS_CUTS: no stage named ${upto} (${defaultStages.map((stage) => stage.name).join(", ")})`);
  defaultStages.splice(last + 1, defaultStages.length, cannedStage);
}
// `classify-extract` / `classify-describe`: the classify stage does only its first step(s) (the task
// text; the task text, background kind and features), then sets a classification computed once.
const partial = cuts.has("classify-extract") ? "extract" : cuts.has("classify-describe") ? "describe" : undefined;
if (partial) {
  let fixed: Classification | undefined;
  const partialClassify: Stage = async (context, deps) => {
    fixed ??= classifyRequest(context.request, deps.routing.thresholds);
    if (partial === "extract") extractTaskText(context.request);
    else describeRequest(context.request);
    context.classification = fixed;
    return undefined;
  };
  defaultStages.splice(defaultStages.indexOf(classify), 1, partialClassify);
}
// `canned-provider`: dispatch runs (its abort controller, timer, breakers), the provider's complete() answers the canned completion.
if (cuts.has("canned-provider")) for (const provider of proxy.providers) provider.complete = async () => JSON.parse(cannedText) as ChatCompletion;
if (cuts.has("no-classify")) defaultStages.splice(defaultStages.indexOf(classify), 1);
const responseCache = proxy.pipeline.cache?.service;
if ((cuts.has("cache-lookup-only") || cuts.has("cache-memory-only") || cuts.has("cache-index-full")) && !responseCache) throw new Error("LAYERS_CUTS: cache-* cuts need CACHE_ENABLED");
if (cuts.has("cache-lookup-only")) responseCache!.store = () => {};
// The writer is private to ResponseCache: reached from outside, as every cut here is.
if (cuts.has("cache-memory-only")) (responseCache as unknown as { writer: { enqueue(): boolean } }).writer.enqueue = () => true;
if (cuts.has("cache-index-full")) {
  const index = (responseCache as unknown as { index: { add(key: string, expiresAt: number): void } }).index;
  const expiresAt = Date.now() + 86_400_000;
  for (let n = 0; n < 200_000; n++) index.add(`${n.toString(16).padStart(13, "0")}${"0".repeat(19)}`, expiresAt);
}
const nothing: RequestLogSink = { record() {}, status: () => proxy.logWriter.status() };
if (cuts.has("no-log")) proxy.pipeline.logSink = nothing;
else if (cuts.has("no-log-write")) proxy.pipeline.logSink = proxy.metrics.recording(nothing);

const app = cuts.has("hono-floor") ? honoFloor() : cuts.has("door-only") ? doorOnly(proxy.pipeline) : proxy.app;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, ...serveOptions() });

announce({ port: server.port });
onParentGone(async () => {
  await server.stop(true);
  await proxy.close();
  announce({ stopped: true, ballast: ballast.length });
});
