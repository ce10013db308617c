import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { Response as ResponsesResponse, Tool } from "openai/resources/responses/responses";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { outputText } from "../helpers/responses-turn";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";
import { waitFor } from "../helpers/wait-for";

/**
 * The cache replays through whichever door asks: the pipeline stores and replays internal
 * completions, and the door encodes them. An answer stored through the chat door is served to the
 * same question asked through the Responses door, as a response and as a Responses event stream;
 * a tool-calling answer stored from a stream comes back as function_call items in both modes.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-cache-doors-000000000", OPENAI_BASE_URL: upstream.url, CACHE_ENABLED: "true" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const stores = async () => ((await (await fetch(`${proxy.origin}/api/cache`)).json()) as { stores: number }).stores;

/** A Responses stream read to its end: the final response and the x-cache header. */
async function streamResponse(body: OpenAI.Responses.ResponseCreateParamsStreaming): Promise<{ cache: string | null; final: ResponsesResponse }> {
  const { data, response } = await client.responses.create(body).withResponse();
  let final: ResponsesResponse | undefined;
  for await (const event of data) if (event.type === "response.completed") final = event.response;
  return { cache: response.headers.get("x-cache"), final: final! };
}

describe("a stored answer through another door", () => {
  test("asked through the chat door, served to the Responses door, in both modes", async () => {
    const text = `Which port does HTTPS use? (${crypto.randomUUID()})`;
    const before = await stores();
    const chat = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: text }], temperature: 0, max_completion_tokens: 200 });
    await waitFor(async () => (await stores()) > before, { what: "the chat answer to be stored" });
    const calls = upstream.requests.length;

    const asked = { model: "gpt-4o-mini", input: text, temperature: 0, max_output_tokens: 200 };
    const { data, response } = await client.responses.create({ ...asked, stream: false }).withResponse();
    expect(response.headers.get("x-cache")).toBe("HIT");
    expect(data.output_text).toBe(chat.choices[0]!.message.content!);
    expect(data.usage?.input_tokens).toBe(chat.usage!.prompt_tokens);

    const streamed = await streamResponse({ ...asked, stream: true });
    expect(streamed.cache).toBe("HIT");
    expect(outputText(streamed.final)).toBe(chat.choices[0]!.message.content!);
    expect(upstream.requests.length).toBe(calls);
  });

  test("a streamed answer with tool calls replays through the Responses door as function_call items, both ways", async () => {
    const tools: Tool[] = [
      { type: "function", name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] }, strict: false },
    ];
    const asked = { model: "gpt-4o-mini", input: `Read both files (${crypto.randomUUID()})`, tools, temperature: 0 };
    upstream.enqueue({ kind: "fixture", name: "parallel-tool-calls" });
    const before = await stores();
    const first = await streamResponse({ ...asked, stream: true });
    expect(first.cache).toBe("MISS");
    const calls = first.final.output.filter((item) => item.type === "function_call");
    expect(calls).toHaveLength(2);
    await waitFor(async () => (await stores()) > before, { what: "the streamed answer to be stored" });
    const upstreamCalls = upstream.requests.length;

    const { data, response } = await client.responses.create({ ...asked, stream: false }).withResponse();
    expect(response.headers.get("x-cache")).toBe("HIT");
    const replayed = data.output.filter((item) => item.type === "function_call");
    const fields = (items: typeof replayed) => items.map((item) => (item.type === "function_call" ? { call_id: item.call_id, name: item.name, arguments: item.arguments } : item));
    expect(fields(replayed)).toEqual(fields(calls));

    const again = await streamResponse({ ...asked, stream: true });
    expect(again.cache).toBe("HIT");
    expect(fields(again.final.output.filter((item) => item.type === "function_call"))).toEqual(fields(calls));
    expect(upstream.requests.length).toBe(upstreamCalls);
  });
});
