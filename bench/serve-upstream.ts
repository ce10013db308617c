import { announce, onParentGone } from "./child-ready";
import { STREAM_CHUNKS, STREAM_INTERVAL_MS } from "./stream-shape";

/**
 * A lean mock of api.openai.com for the benchmark, speaking the real wire format: a JSON
 * chat.completion for non-stream requests, and for `stream: true` an SSE stream that opens as
 * OpenAI's does, with a chunk of role, empty content and null refusal sent together with the first
 * token (OpenAI and vLLM send it when generation starts, not before), then STREAM_CHUNKS content
 * chunks STREAM_INTERVAL_MS apart, the finish chunk, the usage chunk (when asked for) and
 * `data: [DONE]`. Bodies are built once per model so the mock stays cheap. A stream whose `user`
 * field is "bench-idle-stream" sends its start and first token and then nothing until the caller
 * goes away (the benchmark's open idle streams).
 */
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ModelBodies {
  completion: string;
  /** The role-only opening chunk. */
  start: Uint8Array;
  chunks: Uint8Array[];
  finish: Uint8Array;
  usage: Uint8Array;
}

const done = encoder.encode("data: [DONE]\n\n");
const cache = new Map<string, ModelBodies>();

function bodiesFor(model: string): ModelBodies {
  const cached = cache.get(model);
  if (cached) return cached;
  const created = 1762000000;
  const completion = JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "Hello from the benchmark upstream.", refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    service_tier: "default",
    system_fingerprint: "fp_bench",
  });
  const base = { id: "chatcmpl-bench-stream", object: "chat.completion.chunk", created, model, service_tier: "default", system_fingerprint: "fp_bench" };
  const event = (payload: unknown) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
  const start = event({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null }] });
  const chunks = Array.from({ length: STREAM_CHUNKS }, (_, index) =>
    event({ ...base, choices: [{ index: 0, delta: { content: `token${index} ` }, logprobs: null, finish_reason: null }] }),
  );
  const finish = event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] });
  const usage = event({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: STREAM_CHUNKS, total_tokens: 20 + STREAM_CHUNKS } });
  const bodies = { completion, start, chunks, finish, usage };
  cache.set(model, bodies);
  return bodies;
}

function idleStreamResponse(bodies: ModelBodies, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bodies.start);
      controller.enqueue(bodies.chunks[0]!);
      signal.addEventListener("abort", () => controller.close(), { once: true });
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

function streamResponse(bodies: ModelBodies, includeUsage: boolean, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for (const [index, chunk] of bodies.chunks.entries()) {
          if (signal.aborted) return controller.close();
          if (index > 0) await sleep(STREAM_INTERVAL_MS);
          else controller.enqueue(bodies.start);
          controller.enqueue(chunk);
        }
        controller.enqueue(bodies.finish);
        if (includeUsage) controller.enqueue(bodies.usage);
        controller.enqueue(done);
        controller.close();
      } catch {
        // The reader went away; nothing left to do.
      }
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      return Response.json({ error: { message: `Unknown route ${request.method} ${path}`, type: "invalid_request_error", param: null, code: "unknown_url" } }, { status: 404 });
    }
    const body = (await request.json()) as { model?: unknown; stream?: unknown; user?: unknown; stream_options?: { include_usage?: unknown } };
    const bodies = bodiesFor(String(body.model));
    if (body.stream === true && body.user === "bench-idle-stream") return idleStreamResponse(bodies, request.signal);
    if (body.stream === true) return streamResponse(bodies, body.stream_options?.include_usage === true, request.signal);
    return new Response(bodies.completion, { headers: { "content-type": "application/json" } });
  },
});

announce({ port: server.port });
onParentGone(() => server.stop(true));
