import { expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { openAIDoorProxyForFile } from "../helpers/proxy-with-upstream";

/**
 * A tool_use block's input must be a JSON object. An OpenAI-compatible model may stream arguments
 * that are not one (an array, a bare string); passed on as they came, the Messages client builds a
 * tool_use whose input is not an object, and the proxy's own Messages door (as Anthropic's API)
 * refuses the turn when the client sends it back, on every later turn. Streamed, the input must be
 * what the non-streamed answer gives: the arguments kept whole under `_raw_arguments`.
 */
const setup = openAIDoorProxyForFile({ CACHE_ENABLED: "false" });

const chunk = (delta: unknown, finish: string | null = null) =>
  JSON.stringify({ id: "chatcmpl-args", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] });

/** One call per argument list, each list's fragments streamed one by one. */
function toolCallStream(...calls: string[][]) {
  const lines = [chunk({ role: "assistant", content: null })];
  for (const [index, fragments] of calls.entries()) {
    lines.push(chunk({ tool_calls: [{ index, id: `call_${index}`, type: "function", function: { name: "read_file", arguments: "" } }] }));
    for (const fragment of fragments) lines.push(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
  }
  lines.push(chunk({}, "tool_calls"), "[DONE]");
  return { kind: "lines" as const, lines };
}

const tools: Anthropic.Tool[] = [{ name: "read_file", input_schema: { type: "object", properties: { path: { type: "string" } } } }];
const question: Anthropic.MessageParam = { role: "user", content: "Read the files" };

async function streamedToolUses() {
  const message = await setup.anthropic.messages.stream({ model: "gpt-4o", max_tokens: 200, tools, messages: [question] }).finalMessage();
  return { message, uses: message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use") };
}

test("arguments that are not an object arrive as the non-streamed answer has them, and the turn can be sent back", async () => {
  setup.upstream.enqueue(toolCallStream(["[1,", "2]"]));
  const { message, uses } = await streamedToolUses();
  expect(uses.map((use) => use.input)).toEqual([{ _raw_arguments: "[1,2]" }]);
  const next = await setup.anthropic.messages.create({
    model: "gpt-4o",
    max_tokens: 200,
    tools,
    messages: [question, { role: "assistant", content: message.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: uses[0]!.id, content: "no such file" }] }],
  });
  expect(next.stop_reason).toBe("end_turn");
});

test("object arguments still stream as they came, leading whitespace included; a later held call gets the same rule", async () => {
  setup.upstream.enqueue(toolCallStream([" ", '{"path":', '"a.ts"}'], ['"b.ts"'], []));
  const { uses } = await streamedToolUses();
  expect(uses.map((use) => use.input)).toEqual([{ path: "a.ts" }, { _raw_arguments: '"b.ts"' }, {}]);
});
