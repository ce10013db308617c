import { forwardToUpstream } from "./bare-forward";
import { announce, onParentGone } from "./child-ready";

/**
 * The least a server that handles a stream in JavaScript can cost: like serve-bare.ts it forwards
 * the request with fetch, but it re-streams the upstream's body through one JavaScript layer
 * instead of returning the upstream's Response. RESTREAM_KIND says how:
 * - `pulled` (default): a pulled ReadableStream (high-water mark 0) that reads the upstream body
 *   and enqueues each chunk as it is, the proxy's output shape (pull-chain.ts) without any stage;
 * - `direct`: Bun's `type: "direct"` stream, one loop writing each chunk to the response;
 * - `json`: what any JSON-aware proxy does at the least: the request parsed and written again, a
 *   completion parsed and written again, and each stream event decoded, parsed, written and encoded
 *   again through a pulled stream (bench/quick-compare.ts's `floor` side).
 * `THREAD_CPU_SERVER=restream bun run bench/thread-cpu.ts` measures it; against the bare
 * pass-through (THREAD_CPU_SERVER=bare) the difference is the cost of having a JavaScript layer at
 * all, which no change to the proxy's stages can remove.
 */
const upstreamOrigin = process.env.BENCH_UPSTREAM_ORIGIN;
if (!upstreamOrigin) throw new Error("BENCH_UPSTREAM_ORIGIN is not set");
const kind = process.env.RESTREAM_KIND ?? "pulled";
if (!["pulled", "direct", "json"].includes(kind)) throw new Error(`RESTREAM_KIND: pulled, direct or json, not ${kind}`);

const encoder = new TextEncoder();
const streaming = { stream: true } as const;

/** `pulled`: each read of the result reads the upstream once. */
function pulled(reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** `json`: every `data:` event parsed and written again. */
function reencoded(reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pending += decoder.decode(value, streaming);
          let wrote = false;
          let end = pending.indexOf("\n\n");
          while (end !== -1) {
            const data = pending.slice(6, end);
            pending = pending.slice(end + 2);
            controller.enqueue(encoder.encode(data === "[DONE]" ? "data: [DONE]\n\n" : `data: ${JSON.stringify(JSON.parse(data))}\n\n`));
            wrote = true;
            end = pending.indexOf("\n\n");
          }
          if (wrote) return;
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** `direct`: one loop per response, no read requests on the output side. */
function direct(reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    type: "direct",
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        controller.write(value);
      }
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** `json`: the request and the answer through JSON.parse and JSON.stringify, as any JSON-aware proxy. */
async function jsonLayer(request: Request): Promise<Response> {
  const parsed = (await request.json()) as { stream?: boolean };
  const body = new TextEncoder().encode(JSON.stringify(parsed)).buffer as ArrayBuffer;
  const response = await forwardToUpstream(upstreamOrigin!, request, body);
  const headers = { "content-type": response.headers.get("content-type") ?? "application/json" };
  if (!parsed.stream || !response.body) return new Response(JSON.stringify(await response.json()), { status: response.status, headers });
  return new Response(reencoded(response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>), { status: response.status, headers });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    if (kind === "json") return jsonLayer(request);
    const response = await forwardToUpstream(upstreamOrigin, request, await request.arrayBuffer());
    if (!response.body) return response;
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const body = kind === "direct" ? direct(reader) : kind === "json" ? reencoded(reader) : pulled(reader);
    return new Response(body, { status: response.status, headers: response.headers });
  },
});

announce({ port: server.port });
onParentGone(() => server.stop(true));
