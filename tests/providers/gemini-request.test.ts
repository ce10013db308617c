import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createGeminiProvider } from "../../src/providers/gemini/gemini-provider";
import type { LLMProvider } from "../../src/providers/types";
import { type MockGeminiUpstream, readGeminiFixture, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";

/** What the proxy sends Gemini, asserted on what the mock Gemini server received. */
const apiKey = "gemini-test-key-5f2a9c7e1b";
let upstream: MockGeminiUpstream;
let provider: LLMProvider;

beforeAll(() => {
  upstream = startMockGeminiUpstream({ apiKey });
  provider = createGeminiProvider({ apiKey, baseUrl: upstream.url, models: [{ id: "gemini-2.5-flash" }], logger: silentLogger });
});

afterAll(async () => {
  await upstream.close();
});

const request = (body: Record<string, unknown>): ChatRequest => chatRequestSchema.parse({ model: "gemini-2.5-flash", ...body });
const signal = () => new AbortController().signal;
const sent = () => upstream.requests.at(-1)!;
async function drain(stream: ReadableStream<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("request translation", () => {
  test("system and developer messages become systemInstruction; assistant turns are role model", async () => {
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello." },
          { role: "developer", content: [{ type: "text", text: "Answer in English." }] },
          { role: "user", content: [{ type: "text", text: "Name a colour." }] },
        ],
        max_tokens: 50,
        max_completion_tokens: 64,
        temperature: 0.2,
        top_p: 0.9,
        stop: "END",
        seed: 7,
      }),
    });
    const received = sent();
    expect(received.method).toBe("generateContent");
    expect(received.apiVersion).toBe("v1beta");
    expect(received.model).toBe("gemini-2.5-flash");
    expect(received.headers["x-goog-api-key"]).toBe(apiKey);
    expect(received.search).not.toContain("key=");
    expect(received.body.systemInstruction).toEqual({ parts: [{ text: "You are terse.\n\nAnswer in English." }] });
    expect(received.body.contents).toEqual([
      { role: "user", parts: [{ text: "Hi" }] },
      { role: "model", parts: [{ text: "Hello." }] },
      { role: "user", parts: [{ text: "Name a colour." }] },
    ]);
    // max_completion_tokens wins over max_tokens; a string stop becomes a list.
    expect(received.body.generationConfig).toEqual({ maxOutputTokens: 64, temperature: 0.2, topP: 0.9, stopSequences: ["END"], seed: 7 });
  });

  test("nothing the client did not send is invented", async () => {
    await provider.complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "Hi" }], parallel_tool_calls: true }) });
    expect(sent().body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: {} });
  });

  test("images: data URLs become inlineData, http URLs fileData with a guessed mime type", async () => {
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these." },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              { type: "image_url", image_url: { url: "https://example.com/photos/cat.webp?size=large", detail: "high" } },
            ],
          },
        ],
      }),
    });
    expect(sent().body.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "Compare these." },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { fileUri: "https://example.com/photos/cat.webp?size=large", mimeType: "image/webp" } },
        ],
      },
    ]);
  });

  test("tools become functionDeclarations with parametersJsonSchema; $schema is stripped, the rest kept", async () => {
    const readFile = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { path: { type: "string", description: "File path" }, range: { $ref: "#/$defs/range" } },
      required: ["path"],
      additionalProperties: false,
      $defs: { range: { type: "array", items: { type: "integer" }, minItems: 2, maxItems: 2 } },
    };
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [{ role: "user", content: "Read app.ts" }],
        tools: [
          { type: "function", function: { name: "read_file", description: "Read a file", parameters: readFile, strict: true } },
          { type: "function", function: { name: "list_open_tabs", parameters: { type: "object", properties: {} } } },
        ],
        tool_choice: "required",
      }),
    });
    const { $schema: _schema, ...withoutSchema } = readFile;
    expect(sent().body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "read_file", description: "Read a file", parametersJsonSchema: withoutSchema },
          { name: "list_open_tabs" },
        ],
      },
    ]);
    expect(sent().body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
  });

  test("tool_choice auto, none and a named function map onto functionCallingConfig", async () => {
    const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: { path: { type: "string" } } } } }];
    const cases: Array<[unknown, unknown]> = [
      ["auto", { mode: "AUTO" }],
      ["none", { mode: "NONE" }],
      [{ type: "function", function: { name: "read_file" } }, { mode: "ANY", allowedFunctionNames: ["read_file"] }],
    ];
    for (const [toolChoice, expected] of cases) {
      await provider.complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "x" }], tools, tool_choice: toolChoice }) });
      expect(sent().body.toolConfig).toEqual({ functionCallingConfig: expected });
    }
  });

  test("tool_choice without tools (none, or an empty list) sends no functionCallingConfig: Gemini answers one without function declarations with a 400", async () => {
    // "Function calling config is set without function_declarations." (INVALID_ARGUMENT): the Messages
    // door's tool_choice with disable_parallel_tool_use, or a client's tools: [], would meet it.
    for (const tools of [undefined, []]) {
      await provider.complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "x" }], tools, tool_choice: "auto" }) });
      expect(sent().body).not.toHaveProperty("toolConfig");
      expect(sent().body).not.toHaveProperty("tools");
    }
  });

  test("tool calls replay as functionCall parts; tool results as functionResponse parts named after their call", async () => {
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [
          { role: "user", content: "Read app.ts and list tests" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "read_file", arguments: '{"path":"src/app.ts"}' } },
              { id: "call_b", type: "function", function: { name: "list_files", arguments: '{"path":"tests"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_a", content: "export const app = 1;" },
          { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "ENOENT: no such directory" }], is_error: true },
          { role: "user", content: "Thanks" },
        ],
      }),
    });
    expect(sent().body.contents).toEqual([
      { role: "user", parts: [{ text: "Read app.ts and list tests" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "read_file", args: { path: "src/app.ts" } } }, { functionCall: { name: "list_files", args: { path: "tests" } } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "read_file", response: { output: "export const app = 1;" } } },
          { functionResponse: { name: "list_files", response: { error: "ENOENT: no such directory" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  test("tool-call arguments that are not a JSON object replay whole under _raw_arguments, as on Anthropic", async () => {
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_cut", type: "function", function: { name: "get_weather", arguments: '{"city": "Par' } }] },
          { role: "tool", tool_call_id: "call_cut", content: "bad arguments" },
        ],
      }),
    });
    expect((sent().body.contents as unknown[])[1]).toEqual({ role: "model", parts: [{ functionCall: { name: "get_weather", args: { _raw_arguments: '{"city": "Par' } } }] });
  });

  test("a tool result whose call is unknown is refused before anything is sent", async () => {
    const before = upstream.requests.length;
    const failure = await provider
      .complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "x" }, { role: "tool", tool_call_id: "call_missing", content: "42" }] }) })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProxyError);
    expect(failure).toMatchObject({ status: 400, type: "invalid_request_error", param: "messages[1].tool_call_id" });
    expect(upstream.requests.length).toBe(before);
  });

  test("response_format json_object and json_schema set the response mime type and schema", async () => {
    await provider.complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } }) });
    expect(sent().body.generationConfig).toEqual({ responseMimeType: "application/json" });
    const schema = { type: "object", properties: { colour: { type: "string", enum: ["red", "blue"] } }, required: ["colour"], additionalProperties: false };
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({ messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "pick", strict: true, schema } } }),
    });
    expect(sent().body.generationConfig).toEqual({ responseMimeType: "application/json", responseJsonSchema: schema });
  });

  test("reasoning_effort becomes a thinking budget with thoughts included; none turns thinking off where it can", async () => {
    const cases: Array<[string, string, unknown]> = [
      ["gemini-2.5-flash", "low", { thinkingBudget: 1024, includeThoughts: true }],
      ["gemini-2.5-flash", "high", { thinkingBudget: 24576, includeThoughts: true }],
      ["gemini-2.5-flash", "none", { thinkingBudget: 0 }],
      ["gemini-2.5-pro", "none", { thinkingBudget: 128 }],
    ];
    for (const [model, effort, expected] of cases) {
      await provider.complete({ model, signal: signal(), request: request({ messages: [{ role: "user", content: "x" }], reasoning_effort: effort }) });
      expect((sent().body.generationConfig as { thinkingConfig?: unknown }).thinkingConfig).toEqual(expected);
    }
  });

  test("streaming goes to streamGenerateContent?alt=sse with the same body", async () => {
    await drain(await provider.stream({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "Hi" }], stream: true }) }));
    expect(sent().method).toBe("streamGenerateContent");
    expect(sent().search).toBe("?alt=sse");
    expect(sent().body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: {} });
  });

  test("a streamed call's thought signature goes back with the call on the next turn", async () => {
    upstream.enqueue({ kind: "fixture", name: "tool-call" });
    const chunks = await drain(await provider.stream({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "Weather in Paris?" }], stream: true }) }));
    const call = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])[0]!;
    await provider.complete({
      model: "gemini-2.5-flash",
      signal: signal(),
      request: request({
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.function!.name, arguments: call.function!.arguments } }] },
          { role: "tool", tool_call_id: call.id, content: "18°C" },
        ],
      }),
    });
    const recorded = readGeminiFixture("tool-call") as Array<{ candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }> }>;
    const signature = recorded[0]!.candidates[0]!.content.parts[0]!.thoughtSignature;
    const modelTurn = (sent().body.contents as Array<{ role: string; parts: unknown[] }>)[1]!;
    expect(modelTurn).toEqual({ role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris", unit: "celsius" } }, thoughtSignature: signature }] });
  });

  test("Gemini 3 models get Google's validator-skip signature on a replayed call the proxy never saw", async () => {
    await provider.complete({
      model: "gemini-3-pro-preview",
      signal: signal(),
      request: request({
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: "", tool_calls: [{ id: "call_from_elsewhere", type: "function", function: { name: "f", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "call_from_elsewhere", content: "ok" },
        ],
      }),
    });
    const modelTurn = (sent().body.contents as Array<{ parts: unknown[] }>)[1]!;
    expect(modelTurn.parts).toEqual([{ functionCall: { name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" }]);
  });

  test("a versioned GEMINI_BASE_URL is split into base URL and API version", async () => {
    const versioned = createGeminiProvider({ apiKey, baseUrl: `${upstream.url}/v1/`, models: [], logger: silentLogger });
    await versioned.complete({ model: "gemini-2.5-flash", signal: signal(), request: request({ messages: [{ role: "user", content: "Hi" }] }) });
    expect(sent().apiVersion).toBe("v1");
  });
});
