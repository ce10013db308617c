import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../../src/chat/request-schema";
import { anthropicErrorMapping, anthropicErrorResponse } from "../../../src/doors/anthropic/anthropic-error";
import { messagesSchema } from "../../../src/doors/anthropic/messages-schema";
import { toAnthropicMessage } from "../../../src/doors/anthropic/to-anthropic-message";
import { toChatRequest } from "../../../src/doors/anthropic/to-chat-request";
import { ProxyError } from "../../../src/errors";
import { createLogger } from "../../../src/logger";

/** The Anthropic door's translations as pure functions: request onto the chat shape, completion and errors back. */
function translate(body: Record<string, unknown>, betas: string[] = []) {
  const lines: string[] = [];
  const logger = createLogger("debug", (line) => lines.push((JSON.parse(line) as { message: string }).message));
  const parsed = messagesSchema.parse({ model: "claude-sonnet-5-5", max_tokens: 1024, ...body });
  const request = toChatRequest(parsed, { model: "auto", betas, logger });
  return { request, lines };
}
const ephemeral = { type: "ephemeral" } as const;
const serverToolUse = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } };
const searchToolResult = {
  type: "web_search_tool_result",
  tool_use_id: "srvtoolu_1",
  content: [{ type: "web_search_result", title: "Weather", url: "https://weather.example", encrypted_content: "EncryptedAbc", page_age: null }],
};
const citedText = {
  type: "text",
  text: "Sunny.",
  citations: [{ type: "web_search_result_location", cited_text: "Sunny", url: "https://weather.example", title: "Weather", encrypted_index: "Eidx" }],
};

describe("Anthropic request → chat request", () => {
  test("system blocks, a system turn in place, tool results split from the user's text, the assistant's blocks", () => {
    const { request } = translate({
      system: [{ type: "text", text: "Be terse.", cache_control: ephemeral }],
      messages: [
        { role: "user", content: "Read a.txt" },
        { role: "system", content: "cwd: /tmp" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Read it.", signature: "sig-1" },
            { type: "redacted_thinking", data: "RedactedData" },
            { type: "text", text: "Reading." },
            { type: "tool_use", id: "toolu_1", name: "Read", input: { path: "a.txt" }, cache_control: ephemeral },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "hello" }], is_error: true, cache_control: ephemeral },
            { type: "text", text: "Now summarise." },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "Be terse.", cache_control: ephemeral }] },
      { role: "user", content: "Read a.txt" },
      { role: "system", content: "cwd: /tmp" },
      {
        role: "assistant",
        content: [{ type: "text", text: "Reading." }],
        tool_calls: [{ id: "toolu_1", type: "function", function: { name: "Read", arguments: '{"path":"a.txt"}' }, cache_control: ephemeral }],
        reasoning_content: "Read it.",
        reasoning_details: [
          { type: "reasoning.text", text: "Read it.", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
          { type: "reasoning.encrypted", data: "RedactedData", format: "anthropic-claude-v1", index: 1 },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: [{ type: "text", text: "hello" }], is_error: true, cache_control: ephemeral },
      { role: "user", content: [{ type: "text", text: "Now summarise." }] },
    ]);
    expect(request.anthropic).toEqual({ system_turns: true });
    // What the door builds is a valid chat request.
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  test("tools, tool choice, thinking and effort, stop sequences, sampling, metadata, betas and Anthropic-only fields", () => {
    const { request } = translate(
      {
        tools: [
          { name: "Read", description: "Read a file", input_schema: { type: "object", properties: {} }, cache_control: ephemeral, defer_loading: true },
          { type: "web_search_20250305", name: "web_search", max_uses: 2 },
        ],
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        thinking: { type: "adaptive", display: "updates" },
        output_config: { effort: "high", task_budget: 7 },
        context_management: { edits: [] },
        stop_sequences: ["END"],
        top_k: 40,
        metadata: { user_id: "u-1" },
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      },
      ["context-management-2025-06-27"],
    );
    expect(request).toMatchObject({
      tools: [{ type: "function", function: { name: "Read", description: "Read a file", parameters: { type: "object", properties: {} } }, cache_control: ephemeral, anthropic: { defer_loading: true } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      thinking: { type: "adaptive", display: "updates" },
      reasoning_effort: "high",
      stop: ["END"],
      top_k: 40,
      user: "u-1",
      stream: true,
      max_tokens: 1024,
      anthropic: {
        betas: ["context-management-2025-06-27"],
        server_tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }],
        fields: { context_management: { edits: [] }, output_config: { task_budget: 7 } },
      },
    });
  });

  test("a thinking budget becomes the nearest effort for other providers; disabled is none; a JSON schema is response_format", () => {
    expect(translate({ thinking: { type: "enabled", budget_tokens: 3000 }, messages: [{ role: "user", content: "x" }] }).request.reasoning_effort).toBe("medium");
    expect(translate({ thinking: { type: "enabled", budget_tokens: 50_000 }, messages: [{ role: "user", content: "x" }] }).request.reasoning_effort).toBe("xhigh");
    expect(translate({ thinking: { type: "disabled" }, messages: [{ role: "user", content: "x" }] }).request.reasoning_effort).toBe("none");
    expect(translate({ thinking: { type: "adaptive" }, messages: [{ role: "user", content: "x" }] }).request.reasoning_effort).toBeUndefined();
    const schema = { type: "object", properties: { city: { type: "string" } } };
    expect(translate({ output_config: { format: { type: "json_schema", schema } }, messages: [{ role: "user", content: "x" }] }).request.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "output", schema },
    });
  });

  test("images and documents become data-URL parts; server-tool blocks and cited text are kept whole, in place", () => {
    const searchResult = { type: "search_result", source: "https://example.com", title: "x", content: [] };
    const { request } = translate({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "Notes" } },
            searchResult,
          ],
        },
        { role: "assistant", content: [{ type: "text", text: "Searching." }, serverToolUse, searchToolResult, citedText] },
      ],
    });
    expect(request.messages[0]!.content).toEqual([
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
      { type: "file", file: { file_data: `data:text/plain;base64,${Buffer.from("Notes").toString("base64")}` } },
      { type: "anthropic_block", block: searchResult },
    ]);
    expect(request.messages[1]!.content).toEqual([
      { type: "text", text: "Searching." },
      { type: "anthropic_block", block: serverToolUse },
      { type: "anthropic_block", block: searchToolResult },
      { type: "anthropic_block", block: citedText },
    ]);
  });

  test("a block the proxy cannot pass on is a 400 naming it", () => {
    const cases: Array<[unknown, string]> = [
      [{ role: "user", content: [{ type: "document", source: { type: "url", url: "https://example.com/a.pdf" } }] }, "messages[0].content[0].source"],
      [{ role: "assistant", content: [{ type: "tool_result", tool_use_id: "t", content: "x" }] }, "messages[0].content[0].type"],
    ];
    for (const [message, param] of cases) {
      try {
        translate({ messages: [message] });
        throw new Error("expected a 400");
      } catch (error) {
        expect(error).toBeInstanceOf(ProxyError);
        expect((error as ProxyError).param).toBe(param);
      }
    }
  });
});

describe("completion → Message", () => {
  test("signed thinking first, then text, then tool calls with parsed input; usage split into Anthropic's counts", () => {
    const message = toAnthropicMessage(
      {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-mini",
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            logprobs: null,
            message: {
              role: "assistant",
              content: "Let me look.",
              reasoning_content: "Thinking.",
              reasoning_details: [{ type: "reasoning.text", text: "Thinking.", signature: "sig", format: "anthropic-claude-v1", index: 0 }],
              tool_calls: [
                { id: "call_1", type: "function", function: { name: "Read", arguments: '{"path":"a"}' } },
                { id: "call_2", type: "function", function: { name: "Read", arguments: '{"path":' } },
              ],
            },
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 } },
      },
      "5b0f0a3c-1d2e-4f50-8a9b-c0d1e2f3a4b5",
    );
    expect(message).toEqual({
      id: "msg_5b0f0a3c1d2e4f508a9bc0d1e2f3a4b5",
      type: "message",
      role: "assistant",
      model: "gpt-4o-mini",
      content: [
        { type: "thinking", thinking: "Thinking.", signature: "sig" },
        { type: "text", text: "Let me look." },
        { type: "tool_use", id: "call_1", name: "Read", input: { path: "a" } },
        { type: "tool_use", id: "call_2", name: "Read", input: { _raw_arguments: '{"path":' } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 20, cache_creation_input_tokens: 10, cache_read_input_tokens: 60 },
    });
  });
});

describe("errors in Anthropic's shape", () => {
  test.each([
    [{ status: 400, type: "invalid_request_error", code: null }, { status: 400, type: "invalid_request_error" }],
    [{ status: 401, type: "authentication_error", code: null }, { status: 401, type: "authentication_error" }],
    [{ status: 403, type: "permission_error", code: null }, { status: 403, type: "permission_error" }],
    [{ status: 404, type: "invalid_request_error", code: "model_not_found" }, { status: 404, type: "not_found_error" }],
    [{ status: 413, type: "invalid_request_error", code: "request_too_large" }, { status: 413, type: "request_too_large" }],
    [{ status: 429, type: "rate_limit_error", code: null }, { status: 429, type: "rate_limit_error" }],
    [{ status: 502, type: "upstream_error", code: "overloaded_error" }, { status: 529, type: "overloaded_error" }],
    [{ status: 503, type: "upstream_error", code: "circuit_open" }, { status: 529, type: "overloaded_error" }],
    [{ status: 504, type: "timeout_error", code: "upstream_timeout" }, { status: 504, type: "timeout_error" }],
    [{ status: 502, type: "upstream_error", code: "upstream_unreachable" }, { status: 500, type: "api_error" }],
    [{ status: 500, type: "server_error", code: "internal_error" }, { status: 500, type: "api_error" }],
    [{ status: 405, type: "invalid_request_error", code: "method_not_allowed" }, { status: 405, type: "invalid_request_error" }],
  ])("%j → %j", (error, expected) => {
    expect(anthropicErrorMapping(error)).toEqual(expected as ReturnType<typeof anthropicErrorMapping>);
  });

  test("the body holds type and error only", async () => {
    const response = anthropicErrorResponse(new ProxyError(404, "model: claude-nope", { type: "not_found_error" }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ type: "error", error: { type: "not_found_error", message: "model: claude-nope" } });
  });
});
