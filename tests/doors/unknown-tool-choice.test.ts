import { describe, expect, test } from "bun:test";
import { toChatTools as anthropicToChatTools } from "../../src/doors/anthropic/to-chat-tools";
import { parseOpenAIChatRequest } from "../../src/doors/openai/openai-request-schema";
import { responsesRequestSchema } from "../../src/doors/responses/responses-request-schema";
import { toChatRequest } from "../../src/doors/responses/to-chat-request";
import { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";

/** A tool_choice naming a tool that is not in `tools` is refused by every door, as OpenAI and Anthropic refuse it. */
const messages = [{ role: "user", content: "Hi" }];
const readFile = { type: "function", function: { name: "read_file", parameters: { type: "object" } } };

function thrown(run: () => unknown): ProxyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error("expected a refusal");
}

describe("chat door", () => {
  test("a named function not in tools fails validation at tool_choice.function.name", () => {
    const result = parseOpenAIChatRequest({ model: "auto", messages, tools: [readFile], tool_choice: { type: "function", function: { name: "write_file" } } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ["tool_choice", "function", "name"] });
  });

  test("without tools at all too; a named function that is offered passes", () => {
    expect(parseOpenAIChatRequest({ model: "auto", messages, tool_choice: { type: "function", function: { name: "read_file" } } }).success).toBe(false);
    const ok = parseOpenAIChatRequest({ model: "auto", messages, tools: [readFile], tool_choice: { type: "function", function: { name: "read_file" } } });
    expect(ok.success).toBe(true);
    expect(ok.data!.tool_choice).toEqual({ type: "function", function: { name: "read_file" } });
  });
});

describe("Messages door", () => {
  const tools = [{ name: "read_file", input_schema: { type: "object" } }, { type: "web_search_20250305", name: "web_search" }];
  test("a tool choice naming no tool is a 400 naming tool_choice.name", () => {
    const error = thrown(() => anthropicToChatTools(tools as never, { type: "tool", name: "write_file" }));
    expect(error).toMatchObject({ status: 400, param: "tool_choice.name", code: "unknown_tool" });
  });

  test("a client tool or a server tool by name passes", () => {
    expect(anthropicToChatTools(tools as never, { type: "tool", name: "read_file" }).tool_choice).toEqual({ type: "function", function: { name: "read_file" } });
    expect(() => anthropicToChatTools(tools as never, { type: "tool", name: "web_search" })).not.toThrow();
  });
});

describe("Responses door", () => {
  test("a named function not in tools is a 400 unknown_tool", () => {
    const body = responsesRequestSchema.parse({ model: "auto", input: "Hi", tools: [{ type: "function", name: "read_file", parameters: {} }], tool_choice: { type: "function", name: "write_file" } });
    expect(thrown(() => toChatRequest(body, silentLogger))).toMatchObject({ status: 400, param: "tool_choice", code: "unknown_tool" });
  });
});
