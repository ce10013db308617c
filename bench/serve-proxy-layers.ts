import { Hono } from "hono";
import { requireJsonContentType, validateJsonBody } from "../src/doors/json-body";
import { openaiDoor } from "../src/doors/openai/openai-door";
import { openaiEncoder } from "../src/doors/openai/openai-encoder";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "../src/doors/openai/openai-request-schema";
import { createLogger } from "../src/logger";
import type { PipelineDeps, Stage } from "../src/pipeline/context";
import { defaultStages } from "../src/pipeline/run-pipeline";
import { classify } from "../src/pipeline/stages/classify";
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
 * - `no-classify`: the classify stage left out (the bench body names a model, so routing goes on);
 * - `no-log-write`: rows built and counted in metrics, never queued for the database;
 * - `no-log`: the sink does nothing (no metrics either).
 * BENCH_UPSTREAM_URL, BENCH_DATA_DIR, BENCH_PROXY_ENV as in serve-proxy.ts.
 */
const upstreamUrl = process.env.BENCH_UPSTREAM_URL;
const dataDir = process.env.BENCH_DATA_DIR;
if (!upstreamUrl || !dataDir) throw new Error("BENCH_UPSTREAM_URL and BENCH_DATA_DIR must be set");
const cuts = new Set((process.env.LAYERS_CUTS ?? "").split(",").filter(Boolean));
const known = ["hono-floor", "door-only", "canned-stages", "canned-upstream", "no-classify", "no-log-write", "no-log"];
for (const cut of cuts) if (!known.includes(cut)) throw new Error(`LAYERS_CUTS: unknown ${cut}; one of ${known.join(", ")}`);

// The mock upstream's answer for the bench body's model (serve-upstream.ts), byte for byte.
const cannedText = await (
  await fetch(`${upstreamUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) })
).text();
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
  app.post("/v1/chat/completions", requireJsonContentType(openaiDoor, deps), validateJsonBody(openaiDoor, deps, openaiChatRequestSchema, parseOpenAIChatRequest, true), (c) => {
    const request = c.req.valid("json");
    return openaiEncoder(request).completion(JSON.parse(cannedText) as ChatCompletion, new Headers());
  });
  return app;
}

const config = benchProxyConfig(upstreamUrl, dataDir, { ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}), ...benchProxyEnv() });
const proxy = await buildProxy(config, createLogger(config.logLevel), cuts.has("canned-upstream") ? { fetch: cannedFetch } : {});

// The app's routes read these through the same `pipeline` object and the same stage array, so changing them here takes effect.
const cannedStage: Stage = async () => ({ kind: "completion", completion: JSON.parse(cannedText) as ChatCompletion });
if (cuts.has("canned-stages")) defaultStages.splice(0, defaultStages.length, cannedStage);
if (cuts.has("no-classify")) defaultStages.splice(defaultStages.indexOf(classify), 1);
const nothing: RequestLogSink = { record() {}, status: () => proxy.logWriter.status() };
if (cuts.has("no-log")) proxy.pipeline.logSink = nothing;
else if (cuts.has("no-log-write")) proxy.pipeline.logSink = proxy.metrics.recording(nothing);

const app = cuts.has("hono-floor") ? honoFloor() : cuts.has("door-only") ? doorOnly(proxy.pipeline) : proxy.app;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, ...serveOptions() });

announce({ port: server.port });
onParentGone(async () => {
  await server.stop(true);
  await proxy.close();
  announce({ stopped: true });
});
