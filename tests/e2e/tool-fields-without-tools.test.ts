import { expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { type RecordedRequest, defaultCompletion } from "../helpers/mock-openai-upstream";
import { openAIDoorProxyForFile } from "../helpers/proxy-with-upstream";

/**
 * OpenAI's Chat Completions API refuses a request whose `tools` is an empty array ("Invalid
 * 'tools': empty array"), and one that sets `tool_choice` or `parallel_tool_calls` without tools
 * ("'parallel_tool_calls' is only allowed when 'tools' are specified"). Clients send them anyway
 * (agent frameworks with no tools configured; the Messages door's `disable_parallel_tool_use` on a
 * request without tools), and the Anthropic provider already leaves them out: an OpenAI-wire
 * upstream must not get them either. The mock answers as OpenAI does.
 */
const setup = openAIDoorProxyForFile({ CACHE_ENABLED: "false" });

function openAIToolRefusal(body: Record<string, unknown>): string | undefined {
  const tools = body.tools;
  if (Array.isArray(tools) && tools.length === 0) return "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  if (tools === undefined) {
    for (const field of ["tool_choice", "parallel_tool_calls"]) {
      if (body[field] !== undefined) return `Invalid value for '${field}': '${field}' is only allowed when 'tools' are specified.`;
    }
  }
  if (Array.isArray(body.functions) && body.functions.length === 0) return "Invalid 'functions': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  if (body.functions === undefined && body.function_call !== undefined) return "Invalid value for 'function_call': 'function_call' is only allowed when 'functions' are specified.";
  return undefined;
}

/** Answers as api.openai.com does: its 400 for the fields above, else a completion. */
const answerAsOpenAI = {
  kind: "respond" as const,
  respond: (request: RecordedRequest) => {
    const refusal = openAIToolRefusal(request.body);
    if (refusal) return Response.json({ error: { message: refusal, type: "invalid_request_error", param: "tools", code: null } }, { status: 400 });
    return Response.json(defaultCompletion(String(request.body.model)));
  },
};

test("chat door: tools: [] with tool_choice and parallel_tool_calls is answered, and the upstream gets none of them", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const answer = await setup.client.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "No tools today" }],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: false,
  });
  expect(answer.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  const sent = setup.upstream.requests.at(-1)!.body;
  expect(sent).not.toHaveProperty("tools");
  expect(sent).not.toHaveProperty("tool_choice");
  expect(sent).not.toHaveProperty("parallel_tool_calls");
});

test("Messages door: tool_choice with disable_parallel_tool_use and no tools reaches an OpenAI model without them", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const message = await setup.anthropic.messages.create({
    model: "gpt-4o",
    max_tokens: 100,
    tool_choice: { type: "auto", disable_parallel_tool_use: true },
    messages: [{ role: "user", content: "No tools here either" }],
  });
  expect(message.content).toMatchObject([{ type: "text", text: "Hello from the mock upstream." }]);
  const sent = setup.upstream.requests.at(-1)!.body;
  expect(sent).not.toHaveProperty("tool_choice");
  expect(sent).not.toHaveProperty("parallel_tool_calls");
});

test("chat door: the legacy functions: [] with function_call is answered too", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  const answer = await setup.client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "No functions" }], functions: [], function_call: "none" });
  expect(answer.choices[0]!.message.content).toBe("Hello from the mock upstream.");
  const sent = setup.upstream.requests.at(-1)!.body;
  expect(sent).not.toHaveProperty("functions");
  expect(sent).not.toHaveProperty("function_call");
});

test("with tools, tool_choice and parallel_tool_calls still go as sent", async () => {
  setup.upstream.enqueue(answerAsOpenAI);
  await setup.client.chat.completions.create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "Read a file" }],
    tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object", properties: {} } } }],
    tool_choice: "required",
    parallel_tool_calls: false,
  });
  expect(setup.upstream.requests.at(-1)!.body).toMatchObject({ tool_choice: "required", parallel_tool_calls: false, tools: [{ type: "function" }] });
});
