import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type ProxyWithUpstream, UPSTREAM_OPENAI_KEY, startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";

/**
 * What the OpenAI door does with the odd-but-valid input real clients send: accepted, and passed on
 * sensibly. Bad input: bad-input.test.ts.
 */
const CLIENT_KEY = "sk-client-own-key-must-never-reach-upstream";
let door: ProxyWithUpstream<MockOpenAIUpstream>;

beforeAll(async () => {
  door = await startOpenAIDoorProxy({}, CLIENT_KEY);
});

afterAll(async () => {
  await door?.close();
});

const hello = [{ role: "user" as const, content: "Hello" }];

describe("tolerated: what real clients send is accepted, never a 400", () => {
  /** Sends through the official client and returns the body the upstream received. */
  async function upstreamBodyFor(request: Record<string, unknown>, options?: OpenAI.RequestOptions) {
    const before = door.upstream.requests.length;
    const { response } = await door.client.chat.completions
      .create({ model: "gpt-4o-mini", ...request } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, options)
      .withResponse();
    expect(response.status).toBe(200);
    expect(door.upstream.requests.length).toBe(before + 1);
    return door.upstream.requests.at(-1)!;
  }

  test("content as a string and as an array of parts reaches the upstream as sent", async () => {
    const parts = [
      { type: "text", text: "What is in this image?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
    ];
    const sent = await upstreamBodyFor({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: parts }] });
    expect(sent.body.messages).toEqual([{ role: "system", content: "Be brief." }, { role: "user", content: parts }]);
  });

  test("assistant turns that only carry tool_calls, with content null, \"\" or [], then tool results", async () => {
    const call = (id: string) => ({ id, type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } });
    const messages = [
      { role: "developer", content: "You are a coding agent." },
      { role: "user", content: "Read a.ts three times" },
      { role: "assistant", content: null, tool_calls: [call("call_1")] },
      { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
      { role: "assistant", content: "", tool_calls: [call("call_2")] },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "export const a = 1;" }] },
      { role: "assistant", content: [], tool_calls: [call("call_3")] },
      { role: "tool", tool_call_id: "call_3", content: "export const a = 1;" },
    ];
    const sent = await upstreamBodyFor({ messages });
    const forwarded = sent.body.messages as Array<Record<string, unknown>>;
    expect(forwarded.map((message) => message.role)).toEqual(["developer", "user", "assistant", "tool", "assistant", "tool", "assistant", "tool"]);
    expect(forwarded.filter((message) => message.role === "assistant").map((message) => (message.tool_calls as Array<{ id: string }>)[0]!.id)).toEqual([
      "call_1",
      "call_2",
      "call_3",
    ]);
    expect(forwarded[3]).toEqual(messages[3]!);
    // OpenAI rejects an empty content array ("expected an array with minimum length 1"): a tool-call-only turn goes out as null.
    expect(forwarded[6]!.content).toBeNull();
  });

  test("an assistant turn with an empty tool_calls list does not send the empty list on", async () => {
    const sent = await upstreamBodyFor({
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello", tool_calls: [] },
        { role: "user", content: "Again" },
      ],
    });
    const assistant = (sent.body.messages as Array<Record<string, unknown>>)[1]!;
    expect(assistant.content).toBe("Hello");
    expect(assistant.tool_calls).toBeUndefined();
  });

  test("vendor fields: metadata is dropped for OpenAI, user and unknown fields pass through", async () => {
    const sent = await upstreamBodyFor({
      messages: hello,
      user: "user-42",
      metadata: { session: "abc" },
      prompt_cache_key: "repo-main",
      some_future_field: { nested: true },
    });
    expect(sent.body.metadata).toBeUndefined();
    expect(sent.body.user).toBe("user-42");
    expect(sent.body.prompt_cache_key).toBe("repo-main");
    expect(sent.body.some_future_field).toEqual({ nested: true });
  });

  test("metadata is kept when the client asks to store the completion", async () => {
    const sent = await upstreamBodyFor({ messages: hello, store: true, metadata: { session: "abc" } });
    expect(sent.body.metadata).toEqual({ session: "abc" });
    expect(sent.body.store).toBe(true);
  });

  test("OpenRouter-style headers are accepted; the client's Authorization never reaches the upstream", async () => {
    const sent = await upstreamBodyFor({ messages: hello }, { headers: { "HTTP-Referer": "https://cline.bot", "X-Title": "Cline" } });
    expect(sent.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    for (const value of Object.values(sent.headers)) expect(value).not.toContain(CLIENT_KEY);
  });

  test("a raw request with no Authorization header at all is served", async () => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: hello });
    const response = await fetch(`${door.proxy.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  });
});
