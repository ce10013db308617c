import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockGeminiUpstream, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { outputText, runResponsesTurn } from "../helpers/responses-turn";
import { sdkFailure } from "../helpers/sdk-failure";
import { SseReader } from "../helpers/sse-reader";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The Responses door beyond the tool round trip of the matrix: the SDK's stream helper, keep-alives
 * during silence, reasoning (Anthropic signed thinking through encrypted_content and back; Gemini
 * and OpenAI-wire reasoning as summaries), images, structured output, and errors before and
 * during a stream — each through the official `openai` client, each logged once as a "responses" row.
 */
const anthropicKey = "sk-ant-responses-door-key";
let openai: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream({ apiKey: anthropicKey });
  gemini = startMockGeminiUpstream({ apiKey: "AIzaSyResponsesDoor-gemini-key" });
  proxy = await startTestProxy({
    OPENAI_API_KEY: "sk-openai-responses-door",
    OPENAI_BASE_URL: openai.url,
    ANTHROPIC_API_KEY: anthropicKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    GEMINI_API_KEY: "AIzaSyResponsesDoor-gemini-key",
    GEMINI_BASE_URL: gemini.url,
    STREAM_HEARTBEAT_MS: "100",
  });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
});

const lastBody = (mock: { requests: Array<{ body: Record<string, unknown> }> }) => mock.requests.at(-1)!.body;

describe("streaming", () => {
  test("client.responses.stream: text deltas as they come, the final response, one log row", async () => {
    openai.enqueue({ kind: "fixture", name: "text-with-usage" });
    const stream = client.responses.stream({ model: "openai:gpt-4o-mini", input: "Hi", instructions: "Be friendly." });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(["Hello", "!", " How can I help?"]);
    expect(final.output_text).toBe("Hello! How can I help?");
    expect(final.usage?.input_tokens).toBe(1200);
    expect(lastBody(openai).messages).toEqual([
      { role: "system", content: "Be friendly." },
      { role: "user", content: "Hi" },
    ]);
    // The response id is the task id without its dashes.
    const hex = final.id.slice("resp_".length);
    const row = await proxy.logRow([hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-"));
    expect(row).toMatchObject({ door: "responses", status: 200, stream: true, provider: "openai", tokensIn: 1200 });
  });

  test("silence is filled with SSE comments, which the SDK skips", async () => {
    openai.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 2, ms: 450 } });
    const response = await fetch(`${proxy.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "openai:gpt-4o-mini", input: "Hi", stream: true }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = new SseReader(response);
    const blocks: string[] = [];
    for (let block = await reader.next(); block; block = await reader.next()) blocks.push(block.raw);
    expect(blocks.filter((raw) => raw === ": keep-alive").length).toBeGreaterThanOrEqual(2);
    expect(blocks.at(-1)).toStartWith("event: response.completed\n");

    openai.enqueue({ kind: "fixture", name: "text-with-usage", pause: { afterLines: 2, ms: 450 } });
    const final = await client.responses.stream({ model: "openai:gpt-4o-mini", input: "Hi" }).finalResponse();
    expect(final.output_text).toBe("Hello! How can I help?");
  });
});

describe("reasoning", () => {
  const thought = "The user wants the weather in Paris. I should call get_weather.";
  const signature = "EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV9TmdRYE4o0c1+Dmh/VaI1UQKb9Ay1YzxdhUrsIlW8trBgSeR+aJQ==";
  const weatherTool: Tool = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false };

  test.each([false, true])("Anthropic signed thinking goes out in encrypted_content and comes back to Anthropic intact, stream: %p", async (stream) => {
    anthropic.enqueue({
      kind: "reply",
      reply: { content: [{ type: "thinking", thinking: thought, signature }, { type: "tool_use", id: "toolu_01Weather", name: "get_weather", input: { city: "Paris" } }] },
    });
    const extra = { reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"], store: false };
    const input: ResponseInputItem[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await runResponsesTurn(client, { model: "anthropic:claude-haiku-4-5", input, tools: [weatherTool], stream, extra });
    expect(first.response.output.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    const reasoning = first.response.output[0]!;
    if (reasoning.type !== "reasoning") throw new Error("expected reasoning");
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: thought }]);
    expect(reasoning.encrypted_content).toStartWith("claude-proxy.reasoning.v1:");
    if (stream) expect(first.eventTypes).toContain("response.reasoning_summary_text.delta");

    anthropic.enqueue({ kind: "reply", reply: { content: [{ type: "text", text: "It is 18°C in Paris." }] } });
    input.push(...(first.response.output as ResponseInputItem[]), { type: "function_call_output", call_id: "toolu_01Weather", output: "18°C, sunny" });
    const second = await runResponsesTurn(client, { model: "anthropic:claude-haiku-4-5", input, tools: [weatherTool], stream, extra });
    expect(outputText(second.response)).toBe("It is 18°C in Paris.");
    const sent = lastBody(anthropic) as { thinking?: unknown; messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: thought, signature },
        { type: "tool_use", id: "toolu_01Weather", name: "get_weather", input: { city: "Paris" } },
      ],
    });
    expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  test("Gemini thoughts and OpenAI-wire reasoning reach the client as summaries", async () => {
    gemini.enqueue({ kind: "fixture", name: "thinking" });
    const fromGemini = await runResponsesTurn(client, { model: "gemini:gemini-3.5-flash-lite", input: "17 × 23?", stream: true, extra: { reasoning: { summary: "auto" } } });
    expect(fromGemini.response.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(JSON.stringify(fromGemini.response.output[0])).toContain("Checking the arithmetic");
    expect(outputText(fromGemini.response)).toBe("17 × 23 = **391**.");

    openai.enqueue({ kind: "fixture", name: "reasoning-ollama" });
    const fromOpenAIWire = await runResponsesTurn(client, { model: "openai:gpt-4o-mini", input: "Hi", stream: true, extra: { reasoning: { summary: "detailed" } } });
    expect(fromOpenAIWire.response.output[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "The user greets me." }] });
    expect(outputText(fromOpenAIWire.response)).toBe("Hi there!");
  });
});

describe("input and parameters", () => {
  const image = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const imageInput: ResponseInputItem[] = [{ role: "user", content: [{ type: "input_text", text: "What is this?" }, { type: "input_image", image_url: image, detail: "auto" }] }];

  test("an input_image reaches each upstream in its own format", async () => {
    await client.responses.create({ model: "openai:gpt-4o-mini", input: imageInput });
    expect((lastBody(openai).messages as Array<{ content: unknown }>)[0]!.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: image, detail: "auto" } },
    ]);
    await client.responses.create({ model: "anthropic:claude-haiku-4-5", input: imageInput });
    expect((lastBody(anthropic).messages as Array<{ content: unknown[] }>)[0]!.content).toContainEqual({
      type: "image",
      source: { type: "base64", media_type: "image/png", data: image.split(",")[1] },
    });
    await client.responses.create({ model: "gemini:gemini-3.5-flash-lite", input: imageInput });
    expect(JSON.stringify(lastBody(gemini).contents)).toContain('"inlineData":{"mimeType":"image/png"');
  });

  test("text.format json_schema becomes response_format; max_output_tokens and reasoning effort pass", async () => {
    const response = await client.responses.create({
      model: "openai:gpt-4o-mini",
      input: "Give me a city.",
      max_output_tokens: 200,
      text: { format: { type: "json_schema", name: "city", schema: { type: "object", properties: { name: { type: "string" } } }, strict: true } },
      metadata: { run: "1" },
      store: false,
    });
    expect(response.text?.format).toMatchObject({ type: "json_schema", name: "city" });
    expect(response.metadata).toEqual({ run: "1" });
    expect(lastBody(openai)).toMatchObject({
      max_completion_tokens: 200,
      response_format: { type: "json_schema", json_schema: { name: "city", strict: true } },
    });
    expect(lastBody(openai).store).toBeUndefined();
  });
});

describe("errors in OpenAI's shape", () => {
  test("an upstream 429 before the answer", async () => {
    openai.enqueue({ kind: "error", status: 429, body: { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } } });
    const error = await sdkFailure(() => client.responses.create({ model: "openai:gpt-4o-mini", input: "Hi" }));
    expect(error.status).toBe(429);
    expect(error.type).toBe("rate_limit_error");
    expect(await proxy.logRow(error.headers!.get("x-task-id")!)).toMatchObject({ door: "responses", status: 429 });
  });

  test("an unknown model is a 404 naming close models", async () => {
    const error = await sdkFailure(() => client.responses.create({ model: "gpt-4o-mnii", input: "Hi" }));
    expect(error.status).toBe(404);
    expect(error.message).toContain("gpt-4o-mini");
  });

  test("previous_response_id is refused with a 400 that says why", async () => {
    const error = await sdkFailure(() => client.responses.create({ model: "openai:gpt-4o-mini", input: "Hi", previous_response_id: "resp_abc" }));
    expect(error.status).toBe(400);
    expect(error.param).toBe("previous_response_id");
    expect(error.message).toContain("stores none");
    expect(await proxy.logRow(error.headers!.get("x-task-id")!)).toMatchObject({ door: "responses", status: 400, requestedModel: "openai:gpt-4o-mini" });
  });

  test("a hosted tool the request forces is a 400; an optional one is dropped", async () => {
    const error = await sdkFailure(() => client.responses.create({ model: "openai:gpt-4o-mini", input: "News?", tools: [{ type: "web_search" }], tool_choice: "required" }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("web_search");
    const answer = await client.responses.create({ model: "openai:gpt-4o-mini", input: "News?", tools: [{ type: "web_search" }] });
    expect(answer.status).toBe("completed");
    expect(lastBody(openai).tools).toBeUndefined();
  });

  test("a mid-stream upstream error: response.failed, then the SDK raises; logged once as a failure", async () => {
    openai.enqueue({ kind: "fixture", name: "mid-stream-error" });
    const { data: stream, response } = await client.responses.create({ model: "openai:gpt-4o-mini", input: "Hi", stream: true }).withResponse();
    const seen: string[] = [];
    const error = await sdkFailure(async () => {
      for await (const event of stream) seen.push(event.type);
    });
    expect(seen.at(-1)).toBe("response.failed");
    expect(seen).toContain("response.output_text.delta");
    expect(error.message).toContain("The server had an error");
    const row = await proxy.logRow(response.headers.get("x-task-id")!);
    expect(row).toMatchObject({ door: "responses", status: 502, stream: true });
  });
});
