import { describe, expect, test } from "bun:test";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { createLogger } from "../../src/logger";
import { toCountTokensBody } from "../../src/providers/anthropic/to-count-tokens-body";
import { type AnthropicModelTraits, toAnthropicRequest } from "../../src/providers/anthropic/to-anthropic-request";
import { toGeminiRequest } from "../../src/providers/gemini/to-gemini-request";
import { toOpenAIRequest } from "../../src/providers/openai-compatible/to-openai-request";

/**
 * The declared request extensions (chat/anthropic-options.ts, cache-control.ts, thinking-settings.ts)
 * as the Anthropic provider puts them back on the wire, and as OpenAI-wire providers leave them out.
 */
const traits: AnthropicModelTraits = { maxOutput: 128_000, reasoning: true, structuredOutputs: true };
const ephemeral = { type: "ephemeral" } as const;

function logged() {
  const lines: string[] = [];
  return { lines, logger: createLogger("debug", (line) => lines.push((JSON.parse(line) as { message: string }).message)) };
}

function anthropicBody(body: Record<string, unknown>, model = "claude-sonnet-5-5") {
  const request = chatRequestSchema.parse({ model, ...body }) as ChatRequest;
  return toAnthropicRequest(request, model, traits, logged().logger);
}

const tool = {
  type: "function",
  function: { name: "Read", description: "Read a file", parameters: { type: "object", properties: { file_path: { type: "string" } } } },
  cache_control: ephemeral,
  anthropic: { defer_loading: true, type: "custom" },
};

describe("the Anthropic provider puts the extensions back", () => {
  test("cache marks on tools, tool results and tool calls; tool-only keys; server tools after the function tools", () => {
    const body = anthropicBody({
      messages: [
        { role: "user", content: "Read a.txt" },
        { role: "assistant", content: null, tool_calls: [{ id: "toolu_1", type: "function", function: { name: "Read", arguments: '{"file_path":"a.txt"}' }, cache_control: ephemeral }] },
        { role: "tool", tool_call_id: "toolu_1", content: "hello", cache_control: { type: "ephemeral", ttl: "1h" }, is_error: true },
      ],
      tools: [tool],
      anthropic: { server_tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] },
    });
    expect(body.tools).toEqual([
      { name: "Read", description: "Read a file", input_schema: tool.function.parameters, cache_control: ephemeral, defer_loading: true, type: "custom" },
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
    ] as unknown as typeof body.tools);
    expect(body.messages[1]!.content).toEqual([{ type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "a.txt" }, cache_control: ephemeral }]);
    expect(body.messages[2]!.content).toEqual([{ type: "tool_result", tool_use_id: "toolu_1", content: "hello", is_error: true, cache_control: { type: "ephemeral", ttl: "1h" } }]);
  });

  test("system turns stay in place when the request says so; otherwise they join the system prompt", () => {
    const messages = [
      { role: "system", content: [{ type: "text", text: "You are a coder.", cache_control: ephemeral }] },
      { role: "user", content: "Hi" },
      { role: "system", content: "# Environment\ncwd: /tmp" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "Bye" },
    ];
    const inPlace = anthropicBody({ messages, anthropic: { system_turns: true } });
    expect(inPlace.system).toEqual([{ type: "text", text: "You are a coder.", cache_control: ephemeral }]);
    expect(inPlace.messages).toEqual([
      { role: "user", content: "Hi" },
      { role: "system", content: "# Environment\ncwd: /tmp" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "Bye" },
    ] as unknown as typeof inPlace.messages);
    const folded = anthropicBody({ messages });
    expect(folded.system).toEqual([
      { type: "text", text: "You are a coder.", cache_control: ephemeral },
      { type: "text", text: "# Environment\ncwd: /tmp" },
    ]);
    expect(folded.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  });

  test("top-level Anthropic fields are sent as they are; output_config keys join the computed effort", () => {
    const body = anthropicBody({
      messages: [{ role: "user", content: "Hi" }],
      reasoning_effort: "medium",
      thinking: { type: "adaptive", display: "updates" },
      anthropic: { fields: { context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] }, service_tier: "auto", output_config: { task_budget: 5 } } },
    });
    expect(body).toMatchObject({
      thinking: { type: "adaptive", display: "updates" },
      output_config: { effort: "medium", task_budget: 5 },
      context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
      service_tier: "auto",
    });
  });

  test("the client's thinking object comes back unchanged where the model takes its form", () => {
    // A manual-budget model keeps the budget and display; an adaptive model keeps adaptive as sent.
    expect(anthropicBody({ messages: [{ role: "user", content: "x" }], thinking: { type: "enabled", budget_tokens: 2048, display: "omitted" } }, "claude-haiku-4-5").thinking).toEqual({
      type: "enabled",
      budget_tokens: 2048,
      display: "omitted",
    });
    expect(anthropicBody({ messages: [{ role: "user", content: "x" }], thinking: { type: "adaptive" } }).thinking).toEqual({ type: "adaptive" });
    // Without the client's object, reasoning_effort still gets the summarized display it always had.
    expect(anthropicBody({ messages: [{ role: "user", content: "x" }], reasoning_effort: "high" }).thinking).toEqual({ type: "adaptive", display: "summarized" });
    expect(anthropicBody({ messages: [{ role: "user", content: "x" }], reasoning_effort: "max", thinking: { type: "adaptive" } }).output_config).toEqual({ effort: "max" });
  });

  test("a plain-text document becomes a text document block", () => {
    const data = `data:text/plain;base64,${Buffer.from("Line one.\nLine two.").toString("base64")}`;
    const body = anthropicBody({ messages: [{ role: "user", content: [{ type: "file", file: { file_data: data, filename: "notes.txt" }, cache_control: ephemeral }] }] });
    expect(body.messages[0]!.content).toEqual([{ type: "document", source: { type: "text", media_type: "text/plain", data: "Line one.\nLine two." }, title: "notes.txt", cache_control: ephemeral }]);
  });

  test("count_tokens gets the prompt's fields only", () => {
    const body = anthropicBody({ messages: [{ role: "user", content: "Hi" }], max_tokens: 100, temperature: 0.5, stop: ["END"], user: "u-1", tools: [tool] });
    expect(Object.keys(toCountTokensBody(body)).sort()).toEqual(["messages", "model", "tools"]);
  });
});

describe("OpenAI-wire providers leave the extensions out", () => {
  const request = chatRequestSchema.parse({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: [{ type: "text", text: "Be brief.", cache_control: ephemeral }] },
      { role: "user", content: [{ type: "file", file: { file_data: `data:text/plain;base64,${Buffer.from("Notes").toString("base64")}`, filename: "n.txt" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "Read", arguments: "{}" }, cache_control: ephemeral }] },
      { role: "tool", tool_call_id: "call_1", content: "ok", cache_control: ephemeral },
    ],
    tools: [tool],
    thinking: { type: "adaptive" },
    top_k: 5,
    anthropic: { betas: ["context-management-2025-06-27"], fields: { context_management: {} } },
  }) as ChatRequest;

  test("OpenAI itself: anthropic, thinking, top_k and every cache mark go; text documents become text", () => {
    const { lines, logger } = logged();
    const body = toOpenAIRequest(request, "gpt-4o-mini", { maxTokensField: "max_completion_tokens", strictFields: true }, logger);
    const text = JSON.stringify(body);
    for (const field of ["anthropic", "thinking", "top_k", "cache_control", "defer_loading", "context_management", "file_data"]) expect(text).not.toContain(field);
    expect((body.messages as Array<{ content: unknown }>)[1]!.content).toEqual([{ type: "text", text: "n.txt\n\nNotes" }]);
    expect(lines).toContain("left out request fields the upstream does not take");
    // The request itself is not changed.
    expect(JSON.stringify(request)).toContain("cache_control");
  });

  test("other OpenAI-compatible servers keep the vendor fields they may define; only `anthropic` goes", () => {
    const body = toOpenAIRequest(request, "lab-coder", { maxTokensField: "max_tokens" }, logged().logger);
    const text = JSON.stringify(body);
    expect(text).not.toContain('"anthropic"');
    expect(text).not.toContain("defer_loading");
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.top_k).toBe(5);
    expect(text).toContain("cache_control");
  });

  test("OpenAI itself gets no reasoning another provider's model sent back on an assistant turn; other servers keep it", () => {
    const switched = chatRequestSchema.parse({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "Read it" },
        {
          role: "assistant",
          content: "Reading.",
          reasoning_content: "I should read the file.",
          reasoning_details: [{ type: "reasoning.text", text: "I should read the file.", format: "anthropic-claude-v1", index: 0 }],
        },
        { role: "user", content: "Go on" },
      ],
    }) as ChatRequest;
    const { lines, logger } = logged();
    const strict = toOpenAIRequest(switched, "gpt-4o-mini", { maxTokensField: "max_completion_tokens", strictFields: true }, logger);
    expect((strict.messages as unknown[])[1]).toEqual({ role: "assistant", content: "Reading." });
    expect(lines).toContain("left out request fields the upstream does not take");
    const lenient = toOpenAIRequest(switched, "deepseek-reasoner", { maxTokensField: "max_tokens" }, logged().logger);
    expect((lenient.messages as Array<Record<string, unknown>>)[1]!.reasoning_content).toBe("I should read the file.");
  });

  test("a request without extensions is passed on as the same objects", () => {
    const plain = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }) as ChatRequest;
    const body = toOpenAIRequest(plain, "gpt-4o-mini", { maxTokensField: "max_completion_tokens", strictFields: true }, logged().logger);
    expect(body.messages).toBe(plain.messages);
  });
});

describe("a client's output limit is lowered to the serving model's", () => {
  test("OpenAI-wire: Claude Code's 128000 becomes the catalog's maximum; a smaller limit stays", () => {
    const request = (max: number) => chatRequestSchema.parse({ model: "gpt-4o-mini", max_tokens: max, messages: [{ role: "user", content: "Hi" }] }) as ChatRequest;
    const options = { maxTokensField: "max_completion_tokens" as const, maxOutput: () => 16_384 };
    expect(toOpenAIRequest(request(128_000), "gpt-4o-mini", options, logged().logger).max_completion_tokens).toBe(16_384);
    expect(toOpenAIRequest(request(1_000), "gpt-4o-mini", options, logged().logger).max_completion_tokens).toBe(1_000);
  });

  test("Gemini: the same", () => {
    const request = chatRequestSchema.parse({ model: "gemini-3.5-flash-lite", max_tokens: 128_000, messages: [{ role: "user", content: "Hi" }] }) as ChatRequest;
    const translated = toGeminiRequest(request, "gemini-3.5-flash-lite", { logger: logged().logger, maxOutput: 65_536, signatureFor: () => undefined });
    expect(translated.config?.maxOutputTokens).toBe(65_536);
  });
});
