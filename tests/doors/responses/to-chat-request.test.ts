import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ANTHROPIC_REASONING_FORMAT, OPENAI_RESPONSES_REASONING_FORMAT, type ReasoningDetail } from "../../../src/chat/reasoning-details";
import { ProxyError } from "../../../src/errors";
import { sealReasoning } from "../../../src/doors/responses/reasoning-envelope";
import { responsesRequestSchema } from "../../../src/doors/responses/responses-request-schema";
import { toChatRequest } from "../../../src/doors/responses/to-chat-request";
import { silentLogger } from "../../../src/logger";

/** A Responses request body as the internal chat request (and the 400s for what it cannot hold). */
const translate = (body: Record<string, unknown>) => toChatRequest(responsesRequestSchema.parse({ model: "auto", ...body }), silentLogger);

function refusal(body: Record<string, unknown>): ProxyError {
  try {
    translate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).status).toBe(400);
    return error as ProxyError;
  }
  throw new Error("the request was expected to be refused");
}

const readFileTool = { type: "function", name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } }, strict: false };

describe("what Codex sends (tests/fixtures/responses-door/codex-request.json, recorded from codex exec 0.171.0)", () => {
  const codex = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "fixtures", "responses-door", "codex-request.json"), "utf8")) as Record<string, unknown>;
  const { request, names } = toChatRequest(responsesRequestSchema.parse(codex), silentLogger);

  test("its items become system, user, one assistant turn and a tool result", () => {
    expect(request.messages.map((message) => message.role)).toEqual(["system", "system", "user", "user", "assistant", "tool"]);
    const assistant = request.messages[4] as Record<string, unknown>;
    expect(assistant.content).toBeNull();
    expect(assistant.tool_calls).toEqual([{ id: "call_abc", type: "function", function: { name: "exec_command", arguments: '{"cmd":"cat file.txt"}' } }]);
    expect(assistant.reasoning_content).toBe("I should read the file.");
    // Reasoning from elsewhere than the proxy (here a scripted OpenAI blob) is OpenAI's own: summary plus encrypted entry.
    expect(assistant.reasoning_details).toEqual([
      { type: "reasoning.summary", summary: "I should read the file.", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1" },
      { type: "reasoning.encrypted", data: "ENCRYPTED-BLOB-123", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1" },
    ]);
    expect(request.messages[5]).toMatchObject({ role: "tool", tool_call_id: "call_abc" });
    expect(String(request.messages[5]!.content)).toContain("hello from file");
  });

  test("its function tools pass, namespaced ones flattened; its hosted web_search is dropped under tool_choice auto", () => {
    const offered = request.tools!.map((tool) => tool.function.name);
    expect(offered).toContain("exec_command");
    expect(offered).toContain("multi_agent_v1__spawn_agent");
    expect(offered).not.toContain("web_search");
    expect(names.clientTool("multi_agent_v1__spawn_agent")).toEqual({ name: "spawn_agent", namespace: "multi_agent_v1", kind: "function" });
    expect(request.tool_choice).toBe("auto");
    expect(request.parallel_tool_calls).toBe(true);
    expect(request.stream).toBe(true);
  });

  test("nothing Responses-only reaches the internal request", () => {
    expect(Object.keys(request).sort()).toEqual(["messages", "model", "parallel_tool_calls", "stream", "tool_choice", "tools"]);
  });
});

describe("input", () => {
  test("a string is one user message; instructions come first as a system message", () => {
    expect(translate({ input: "Hi", instructions: "Be brief." }).request.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
  });

  test("message parts: input_text, input_image (URL and detail) and input_file with data", () => {
    const input = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Rules." }] },
      {
        role: "user",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
          { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
        ],
      },
    ];
    expect(translate({ input }).request.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "Rules." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
        ],
      },
    ]);
  });

  test("a reasoning item the proxy sealed opens to the entries it came from, for the upstream that made them", () => {
    const details: ReasoningDetail[] = [{ type: "reasoning.text", text: "Think.", signature: "sig==", format: ANTHROPIC_REASONING_FORMAT, index: 0 }];
    const input = [
      { role: "user", content: "Read a.ts" },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Think." }], encrypted_content: sealReasoning(details) },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Reading." }] },
      { type: "function_call", call_id: "toolu_1", name: "read_file", arguments: '{"path":"a.ts"}' },
      { type: "function_call_output", call_id: "toolu_1", output: [{ type: "input_text", text: "export {}" }] },
    ];
    const messages = translate({ input, tools: [readFileTool] }).request.messages;
    expect(messages[1]).toEqual({
      role: "assistant",
      content: "Reading.",
      tool_calls: [{ id: "toolu_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }],
      reasoning_content: "Think.",
      reasoning_details: details,
    });
    expect(messages[2]).toEqual({ role: "tool", tool_call_id: "toolu_1", content: [{ type: "text", text: "export {}" }] });
  });

  test("custom tool calls and their outputs round-trip as function calls with an input argument", () => {
    const input = [
      { role: "user", content: "Patch it" },
      { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** Begin Patch" },
      { type: "custom_tool_call_output", call_id: "call_p", output: "Done" },
    ];
    const messages = translate({ input, tools: [{ type: "custom", name: "apply_patch" }] }).request.messages;
    expect(messages[1]).toMatchObject({ tool_calls: [{ id: "call_p", function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch"}' } }] });
    expect(messages[2]).toEqual({ role: "tool", tool_call_id: "call_p", content: "Done" });
  });

  test("unknown item types, item references and file ids are refused, naming the item", () => {
    expect(refusal({ input: [{ type: "web_search_call", id: "ws_1" }] })).toMatchObject({ param: "input[0].type", code: "unsupported_item" });
    expect(refusal({ input: [{ type: "item_reference", id: "msg_1" }] }).message).toContain("item_reference");
    expect(refusal({ input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] }).param).toBe("input[0].content[0].image_url");
    expect(refusal({ input: [{ role: "user", content: [{ type: "input_audio" }] }] }).message).toContain("input_text, input_image and input_file");
    expect(refusal({ input: [{ role: "tool", content: "x" }] }).param).toBe("input[0].role");
    expect(refusal({ input: [{ type: "function_call", name: "f", arguments: "{}" }] }).param).toBe("input[0].call_id");
  });
});

describe("parameters", () => {
  test("max_output_tokens, sampling, reasoning.effort, text.format json_schema, user and metadata map; store and include do not pass", () => {
    const { request } = translate({
      input: "Hi",
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: "high", summary: "auto" },
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
      user: "u-1",
      metadata: { team: "a" },
      store: false,
      include: ["reasoning.encrypted_content"],
      truncation: "auto",
      prompt_cache_key: "k",
    });
    expect(request).toEqual({
      model: "auto",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning_effort: "high",
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
      user: "u-1",
      metadata: { team: "a" },
    });
  });

  test("previous_response_id, conversation, background and prompt are refused: nothing is stored", () => {
    for (const [field, value] of [["previous_response_id", "resp_1"], ["conversation", "conv_1"], ["background", true], ["prompt", { id: "pmpt_1" }]] as const) {
      const error = refusal({ input: "Hi", [field]: value });
      expect(error).toMatchObject({ param: field, code: "unsupported_parameter" });
      expect(error.message).toContain("stores none");
    }
  });
});

describe("tools and tool_choice", () => {
  test("a named function choice, and allowed_tools narrowing the offer", () => {
    const tools = [readFileTool, { ...readFileTool, name: "write_file" }];
    expect(translate({ input: "Hi", tools, tool_choice: { type: "function", name: "read_file" } }).request.tool_choice).toEqual({ type: "function", function: { name: "read_file" } });
    const narrowed = translate({ input: "Hi", tools, tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "write_file" }] } }).request;
    expect(narrowed.tools!.map((tool) => tool.function.name)).toEqual(["write_file"]);
    expect(narrowed.tool_choice).toBe("required");
  });

  test("a custom tool is a function with one string input; its grammar goes into the description", () => {
    const tool = translate({ input: "Hi", tools: [{ type: "custom", name: "apply_patch", description: "Edit files.", format: { type: "grammar", syntax: "lark", definition: "start: x" } }] }).request.tools![0]!;
    expect(tool.function.parameters).toMatchObject({ type: "object", required: ["input"], properties: { input: { type: "string" } } });
    expect(tool.function.description).toBe("Edit files.\n\nThe input must match this lark grammar:\nstart: x");
  });

  test("hosted tools are dropped when optional and refused when the request forces one", () => {
    expect(translate({ input: "Hi", tools: [{ type: "web_search" }, { type: "file_search", vector_store_ids: ["vs_1"] }] }).request.tools).toBeUndefined();
    expect(translate({ input: "Hi", tools: [{ type: "web_search" }, readFileTool], tool_choice: "required" }).request.tools!.map((tool) => tool.function.name)).toEqual(["read_file"]);
    expect(refusal({ input: "Hi", tools: [{ type: "web_search" }], tool_choice: { type: "web_search" } })).toMatchObject({ code: "unsupported_tool", param: "tool_choice" });
    expect(refusal({ input: "Hi", tools: [{ type: "file_search" }], tool_choice: "required" }).message).toContain("'file_search'");
    expect(refusal({ input: "Hi", tools: [readFileTool], tool_choice: { type: "function", name: "nope" } }).code).toBe("unknown_tool");
    expect(refusal({ input: "Hi", tools: [readFileTool, readFileTool] }).code).toBe("duplicate_tool_name");
  });
});
