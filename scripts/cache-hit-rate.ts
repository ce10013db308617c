import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";

/**
 * `bun run eval:cache`: the response cache's hit rate on a replay built from the 542 blind
 * routing-eval requests (tests/fixtures/routing-eval/blind, Claude Code, Codex, opencode, Cline,
 * aider, Continue, Cursor, Kilo, Qwen Code and plain API shapes), sent through the real proxy
 * (its cache stage, key, temperature ceiling and store rules) to a local mock upstream.
 *
 * The corpus holds no two identical requests, so every repeat below is added by the replay, on
 * purpose, after how the clients behave; each kind's rate is an assumption, stated here and
 * printed, so the figure can be re-weighed:
 * - day: a team of three works through the corpus once, each request once, in a shuffled order;
 * - session starts: Claude Code sends its fixed `quota` probe whenever it starts: 3 people x 4
 *   starts a day;
 * - re-run commands: Claude Code checks a Bash command's prefix (and describes it) before running
 *   it; in a fix loop the same test or build command runs again: each such check 3 times;
 * - retries: a request sent again after the proxy finished its answer (a user pressing retry, a
 *   client that crashed or lost the connection after the last byte, a tool re-running a step):
 *   2% of requests. A retry after a timeout or a connection dropped mid-answer finds nothing (an
 *   answer to a client that went away is not stored), nor does one after an upstream error (errors
 *   are not stored): those are not in the replay, so this rate counts only the retries that can hit;
 * - test suite: the whole corpus run again as a prompt test suite (a CI job, a model comparison).
 * Each request goes out as written: its model (a name the cases use is served by one custom
 * provider, `auto` and tiers by the OpenAI catalog, all answered by a local mock) and its
 * temperature, so CACHE_MAX_TEMPERATURE applies as it would. Every request is answered.
 */
type Kind = "day" | "session start" | "re-run command" | "retry" | "test suite";
interface Event {
  kind: Kind;
  body: Record<string, unknown>;
}

const blind = join(import.meta.dir, "..", "tests", "fixtures", "routing-eval", "blind");
const cases = ["a", "b"].flatMap((batch) =>
  readFileSync(join(blind, batch, "cases.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; request: Record<string, unknown> }),
);
/** Every model the cases name, served by one custom provider pointed at the mock upstream. */
const models = [...new Set(cases.map((entry) => String(entry.request.model)))];

/** Deterministic shuffles and draws (mulberry32), so every run replays the same day. */
let seed = 11;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
}
const shuffle = <T>(items: T[]): T[] => {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
};

function day(): Event[] {
  const events: Event[] = shuffle(cases.map((entry) => ({ kind: "day" as Kind, body: entry.request })));
  const quota = cases.find((entry) => entry.id === "a-claude-code-quota-haiku")!;
  for (let start = 0; start < 12; start++) events.splice(Math.floor(random() * events.length), 0, { kind: "session start", body: quota.request });
  for (const entry of cases.filter((item) => /-(prefix|describe)-/.test(item.id))) {
    const at = events.findIndex((event) => event.body.messages === entry.request.messages);
    for (let again = 0; again < 2; again++) events.splice(at + 1 + Math.floor(random() * 20), 0, { kind: "re-run command", body: entry.request });
  }
  const withRetries: Event[] = [];
  for (const event of events) {
    withRetries.push(event);
    if (event.kind === "day" && random() < 0.02) withRetries.push({ kind: "retry", body: event.body });
  }
  return withRetries;
}

const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const body = (await request.json()) as { model: string; stream?: boolean };
    // Models that take tools only on OpenAI's Responses API (GPT-6.1, 6.2) are called there, streamed.
    if (new URL(request.url).pathname === "/v1/responses") return responsesStream(body.model);
    const base = { id: "chatcmpl-replay", created: 1762000000, model: body.model };
    const usage = { prompt_tokens: 2_000, completion_tokens: 120, total_tokens: 2_120 };
    if (!body.stream) {
      return Response.json({ ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "A replayed answer." }, finish_reason: "stop", logprobs: null }], usage });
    }
    const chunk = (delta: unknown, finish: string | null) => `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const text = chunk({ role: "assistant", content: "A replayed " }, null) + chunk({ content: "answer." }, null) + chunk({}, "stop") + `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\ndata: [DONE]\n\n`;
    return new Response(text, { headers: { "content-type": "text/event-stream" } });
  },
});

/** A Responses API event stream for one short text answer, as OpenAI sends it (named events). */
function responsesStream(model: string): Response {
  const text = "A replayed answer.";
  const message = { id: "msg_replay", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], text }] };
  const response = { id: "resp_replay", object: "response", created_at: 1762000000, model, output: [] as unknown[], usage: null as unknown, status: "in_progress" };
  const events = [
    { type: "response.created", response },
    { type: "response.output_item.added", output_index: 0, item: { ...message, status: "in_progress", content: [] } },
    { type: "response.content_part.added", item_id: message.id, output_index: 0, content_index: 0, part: { type: "output_text", annotations: [], text: "" } },
    { type: "response.output_text.delta", item_id: message.id, output_index: 0, content_index: 0, delta: text },
    { type: "response.output_text.done", item_id: message.id, output_index: 0, content_index: 0, text },
    { type: "response.output_item.done", output_index: 0, item: message },
    {
      type: "response.completed",
      response: { ...response, status: "completed", output: [message], usage: { input_tokens: 2_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 120, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2_120 } },
    },
  ];
  const stream = events.map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join("");
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}

async function replay(events: Event[], maxTemperature: string) {
  const proxy = await buildProxy(
    loadConfig({
      // `auto` and tiers route to the OpenAI catalog's models; named models to the custom provider.
      OPENAI_API_KEY: "sk-replay",
      OPENAI_BASE_URL: `http://127.0.0.1:${upstream.port}/v1`,
      CUSTOM_PROVIDERS: JSON.stringify([
        { id: "replay", baseUrl: `http://127.0.0.1:${upstream.port}/v1`, models: models.map((id) => ({ id, contextWindow: 1_000_000, inputPricePerMillion: 1, outputPricePerMillion: 5 })) },
      ]),
      DATA_DIR: "memory://",
      LOG_LEVEL: "silent",
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      CACHE_MAX_TEMPERATURE: maxTemperature,
    }),
    silentLogger,
  );
  const tally = new Map<Kind, { requests: number; hits: number }>();
  for (const event of events) {
    const response = await proxy.app.request("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event.body) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`the replay expects every request answered; got ${response.status}: ${text.slice(0, 300)}`);
    // Stored answers are written on the tick after the response.
    await new Promise((resolve) => setImmediate(resolve));
    const entry = tally.get(event.kind) ?? { requests: 0, hits: 0 };
    entry.requests++;
    if (response.headers.get("x-cache") === "HIT") entry.hits++;
    tally.set(event.kind, entry);
  }
  await proxy.close();
  return tally;
}

function report(title: string, tally: Map<Kind, { requests: number; hits: number }>) {
  console.log(`\n${title}`);
  let requests = 0;
  let hits = 0;
  for (const [kind, entry] of tally) {
    requests += entry.requests;
    hits += entry.hits;
    console.log(`  ${kind.padEnd(16)}${String(entry.requests).padStart(6)} requests${String(entry.hits).padStart(6)} hits`);
  }
  console.log(`  ${"all".padEnd(16)}${String(requests).padStart(6)} requests${String(hits).padStart(6)} hits  = ${((hits / requests) * 100).toFixed(1)}% hit rate`);
}

const events = day();
console.log(`replay: ${cases.length} blind routing-eval requests, all distinct; repeats added as described in scripts/cache-hit-rate.ts`);
report("a team's day (CACHE_MAX_TEMPERATURE=1, the default)", await replay(events, "1"));
report("a team's day, storing only temperature-0 answers (CACHE_MAX_TEMPERATURE=0)", await replay(events, "0"));
const suite: Event[] = [...cases, ...cases].map((entry, index) => ({ kind: index < cases.length ? "day" : "test suite", body: entry.request }));
report("the corpus as a prompt test suite, run twice (default settings)", await replay(suite, "1"));
await upstream.stop(true);
