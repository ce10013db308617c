/**
 * The upstreams of the soak (bench/soak.ts), one server on 127.0.0.1 speaking the OpenAI wire
 * format under four prefixes, each configured as its own provider:
 *   /openai/v1  the OpenAI provider: always answers
 *   /flaky/v1   a cheaper custom provider of the same model (so the router tries it first): fails
 *               when the prompt says "[flaky]" (a 500) or "[broken]" (a JSON body that stops half-way)
 *   /broken/v1  a custom provider whose one model always fails (500)
 *   /stall/v1   a custom provider whose one model stalls: a stream after two chunks, a completion
 *               before answering; both until the proxy gives up and aborts
 * A prompt with "[slow]" is answered slowly (a completion after 1 s, a stream 30 chunks 20 ms
 * apart), for clients that leave before the end; `GET /seen/<word>` says whether a request whose
 * prompt held that word has arrived, so a client leaves only once the proxy surely has its request.
 */
const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const created = 1762000000;

function completion(model: string): string {
  return JSON.stringify({
    id: "chatcmpl-soak",
    object: "chat.completion",
    created,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: "Hello from the soak upstream.", refusal: null }, logprobs: null, finish_reason: "stop" }],
    usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 },
  });
}

function chunkEvents(model: string, count: number): Uint8Array[] {
  const base = { id: "chatcmpl-soak-stream", object: "chat.completion.chunk", created, model };
  const event = (payload: unknown) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
  return [
    ...Array.from({ length: count }, (_, index) => event({ ...base, choices: [{ index: 0, delta: index === 0 ? { role: "assistant", content: "t0 " } : { content: `t${index} ` }, finish_reason: null }] })),
    event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
    event({ ...base, choices: [], usage: { prompt_tokens: 20, completion_tokens: count, total_tokens: 20 + count } }),
    encoder.encode("data: [DONE]\n\n"),
  ];
}

interface StreamPlan {
  events: Uint8Array[];
  intervalMs: number;
  /** Stop sending after this many events and wait for the abort. */
  stallAfter?: number;
}

function sse(plan: StreamPlan, signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for (const [index, event] of plan.events.entries()) {
          if (plan.stallAfter !== undefined && index >= plan.stallAfter) {
            await untilAborted(signal);
            return;
          }
          if (signal.aborted) return;
          controller.enqueue(event);
          if (plan.intervalMs > 0) await sleep(plan.intervalMs);
        }
        controller.close();
      } catch {
        // The proxy went away mid-stream.
      }
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));

const serverError = () => Response.json({ error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } }, { status: 500 });

/** A 200 whose JSON body stops half-way (the connection ends cleanly; a cut one is tested in tests/e2e). */
function truncatedBody(): Response {
  return new Response('{"id":"chatcmpl-soak","object":"chat.completion","choices":[{"index":0,"mess', { headers: { "content-type": "application/json" } });
}

function lastUserText(body: { messages?: Array<{ role?: string; content?: unknown }> }): string {
  const content = body.messages?.at(-1)?.content;
  return typeof content === "string" ? content : "";
}

export interface SoakUpstream {
  origin: string;
  close(): Promise<void>;
}

export function startSoakUpstream(): SoakUpstream {
  const seen = new Set<string>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path.startsWith("/seen/")) return new Response(null, { status: seen.delete(path.slice(6)) ? 200 : 404 });
      const [, prefix, version, ...rest] = path.split("/");
      if (request.method !== "POST" || version !== "v1" || rest.join("/") !== "chat/completions") return new Response("not found", { status: 404 });
      const body = (await request.json()) as { model?: string; stream?: boolean; messages?: Array<{ role?: string; content?: unknown }> };
      const model = String(body.model);
      const prompt = lastUserText(body);
      const stream = body.stream === true;
      const signal = request.signal;
      if (prefix === "broken") return serverError();
      if (prefix === "stall") return stream ? sse({ events: chunkEvents(model, 8), intervalMs: 0, stallAfter: 2 }, signal) : untilAborted(signal).then(() => new Response(null, { status: 499 }));
      if (prefix === "flaky" && prompt.includes("[flaky]")) return serverError();
      if (prefix === "flaky" && prompt.includes("[broken]") && !stream) return truncatedBody();
      if (prompt.includes("[slow]")) {
        const word = /\[seen:([\w-]+)\]/.exec(prompt)?.[1];
        if (word) seen.add(word);
        if (stream) return sse({ events: chunkEvents(model, 30), intervalMs: 20 }, signal);
        await Promise.race([sleep(1000), untilAborted(signal)]);
      }
      if (stream) return sse({ events: chunkEvents(model, 8), intervalMs: 0 }, signal);
      return new Response(completion(model), { headers: { "content-type": "application/json" } });
    },
  });
  return { origin: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) };
}
