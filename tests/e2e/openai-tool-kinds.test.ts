import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { APIError } from "openai";
import type { ChatCompletionAllowedToolChoice, ChatCompletionTool } from "openai/resources/chat/completions";
import type { MockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type ProxyWithUpstream, startAnthropicProviderProxy, startOpenAIDoorProxy, startProxyWithUpstream } from "../helpers/proxy-with-upstream";

/**
 * OpenAI chat's `tool_choice: {type: "allowed_tools"}` and `{type: "custom"}` tools, sent with the
 * official `openai` client: OpenAI gets them as sent (custom tool calls back to the client too);
 * another provider gets allowed_tools as a shorter tool list, and custom tools a clear 400.
 */
let openai: ProxyWithUpstream<MockOpenAIUpstream>;
let anthropic: ProxyWithUpstream<MockAnthropicUpstream>;
let custom: ProxyWithUpstream<MockOpenAIUpstream>;

beforeAll(async () => {
  openai = await startOpenAIDoorProxy();
  anthropic = await startAnthropicProviderProxy("sk-ant-api03-e2e-tool-kinds-key-4Kd9");
  const upstream = startMockOpenAIUpstream();
  const providers = [{ id: "local", baseUrl: upstream.url, apiKey: "local-key", models: [{ id: "coder", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" }] }];
  custom = await startProxyWithUpstream(upstream, { CUSTOM_PROVIDERS: JSON.stringify(providers) });
});
afterAll(async () => {
  await openai?.close();
  await anthropic?.close();
  await custom?.close();
});

const fn = (name: string): ChatCompletionTool => ({ type: "function", function: { name, description: `The ${name} tool`, parameters: { type: "object", properties: {} } } });
const tools = [fn("get_weather"), fn("get_time"), fn("delete_everything")];
const allowed: ChatCompletionAllowedToolChoice = {
  type: "allowed_tools",
  allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "get_weather" } }, { type: "function", function: { name: "get_time" } }] },
};
const grammarTool: ChatCompletionTool = {
  type: "custom",
  custom: { name: "run_sql", description: "Runs one SQL query", format: { type: "grammar", grammar: { syntax: "regex", definition: "^SELECT .+$" } } },
};

describe("to OpenAI", () => {
  test("allowed_tools passes through with the whole tool list", async () => {
    const completion = await openai.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Weather?" }], tools, tool_choice: allowed });
    expect(completion.choices[0]!.message.role).toBe("assistant");
    const sent = openai.upstream.requests.at(-1)!.body;
    expect(sent.tool_choice).toEqual(allowed);
    expect((sent.tools as ChatCompletionTool[]).map((tool) => (tool.type === "function" ? tool.function.name : tool.custom.name)).sort()).toEqual(["delete_everything", "get_time", "get_weather"]);
    expect(sent.openai_tools).toBeUndefined();
  });

  test("a custom tool and a custom tool_choice pass through; the model's custom call reaches the client, and goes back as one in the history", async () => {
    const call = { id: "call_custom_1", type: "custom", custom: { name: "run_sql", input: "SELECT 1" } };
    openai.upstream.enqueue({
      kind: "json",
      body: {
        id: "chatcmpl-custom",
        object: "chat.completion",
        created: 1762000000,
        model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [call] }, finish_reason: "tool_calls", logprobs: null }],
        usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
      },
    });
    const choice = { type: "custom", custom: { name: "run_sql" } } as const;
    const completion = await openai.client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Count users" }], tools: [fn("get_time"), grammarTool], tool_choice: choice });
    expect(completion.choices[0]!.message.tool_calls).toEqual([call as never]);
    const sent = openai.upstream.requests.at(-1)!.body;
    expect(sent.tools).toEqual([fn("get_time"), grammarTool]);
    expect(sent.tool_choice).toEqual(choice);

    await openai.client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: "Count users" },
        { role: "assistant", content: null, tool_calls: [call as never] },
        { role: "tool", tool_call_id: "call_custom_1", content: "42" },
      ],
      tools: [grammarTool],
    });
    const history = openai.upstream.requests.at(-1)!.body.messages as Array<Record<string, unknown>>;
    expect(history[1]!.tool_calls).toEqual([call]);
  });

  test("an allowed_tools choice naming no tool is a 400 naming the field", async () => {
    const error = await openai.client.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], tools, tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "nope" } }] } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain("tool_choice.allowed_tools.tools");
  });
});

describe("to another provider (Anthropic)", () => {
  test("allowed_tools becomes the allowed tools only, with the mode as tool_choice", async () => {
    const completion = await anthropic.client.chat.completions.create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Weather?" }], tools, tool_choice: allowed });
    expect(completion.choices[0]!.message.role).toBe("assistant");
    const sent = anthropic.upstream.requests.at(-1)!.body;
    expect((sent.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(["get_weather", "get_time"]);
    expect(sent.tool_choice).toEqual({ type: "any" });
  });

  test("a custom tool is a 400 naming the field, and nothing goes upstream", async () => {
    const before = anthropic.upstream.requests.length;
    const error = await anthropic.client.chat.completions
      .create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "Count users" }], tools: [grammarTool] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain('custom tools (type "custom")');
    expect((error as APIError & { param?: string }).param).toBe("tools");
    expect(anthropic.upstream.requests.length).toBe(before);
  });
});

describe("to another OpenAI-wire server (a custom provider)", () => {
  test("allowed_tools becomes the allowed tools with the mode; the proxy's extension never goes out", async () => {
    await custom.client.chat.completions.create({ model: "local:coder", messages: [{ role: "user", content: "Weather?" }], tools, tool_choice: allowed });
    const sent = custom.upstream.requests.at(-1)!.body;
    expect(sent.tools).toEqual([fn("get_weather"), fn("get_time")]);
    expect(sent.tool_choice).toBe("required");
    expect(sent.openai_tools).toBeUndefined();
  });

  test("a custom tool named for it is a 400 naming the field", async () => {
    const error = await custom.client.chat.completions.create({ model: "local:coder", messages: [{ role: "user", content: "x" }], tools: [grammarTool] }).catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError & { param?: string }).param).toBe("tools");
  });
});
