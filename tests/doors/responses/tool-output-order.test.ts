import { describe, expect, test } from "bun:test";
import { responsesRequestSchema } from "../../../src/doors/responses/responses-request-schema";
import { toChatRequest } from "../../../src/doors/responses/to-chat-request";
import { silentLogger } from "../../../src/logger";

/**
 * A message between a turn's function calls and their outputs (a client steering mid-turn) must
 * not split the assistant turn from its tool messages: OpenAI's chat API refuses a tool message
 * that does not follow the assistant message with the tool_calls. The held message goes right
 * after the last output; everything else keeps its order.
 */
const translate = (input: unknown[]) => toChatRequest(responsesRequestSchema.parse({ model: "auto", input }), silentLogger).request.messages;
const call = (id: string) => ({ type: "function_call", call_id: id, name: "exec_command", arguments: "{}" });
const output = (id: string) => ({ type: "function_call_output", call_id: id, output: `out ${id}` });
const user = (text: string) => ({ role: "user", content: text });
const shape = (messages: ReturnType<typeof translate>) =>
  messages.map((message) => (message.role === "tool" ? `tool:${message.tool_call_id}` : message.role === "assistant" ? `assistant:${(message.tool_calls ?? []).map((c) => c.id).join(",")}` : `${message.role}:${String(message.content)}`));

describe("a message between function calls and their outputs", () => {
  test("a user message goes after the output it came before", () => {
    expect(shape(translate([user("run it"), call("a"), user("also check b"), output("a")]))).toEqual(["user:run it", "assistant:a", "tool:a", "user:also check b"]);
  });

  test("with parallel calls it waits for the last output; several held messages keep their order", () => {
    const messages = translate([user("go"), call("a"), call("b"), user("one"), { role: "developer", content: "two" }, output("a"), output("b"), user("three")]);
    expect(shape(messages)).toEqual(["user:go", "assistant:a,b", "tool:a", "tool:b", "user:one", "system:two", "user:three"]);
  });

  test("an output that never comes: the held message goes before the next model turn, and at the end", () => {
    expect(shape(translate([call("a"), user("stop"), call("b"), output("b")]))).toEqual(["assistant:a", "user:stop", "assistant:b", "tool:b"]);
    expect(shape(translate([call("a"), user("stop")]))).toEqual(["assistant:a", "user:stop"]);
  });

  test("the ordinary order is left as it is", () => {
    expect(shape(translate([user("go"), call("a"), output("a"), user("next"), call("b"), output("b")]))).toEqual(["user:go", "assistant:a", "tool:a", "user:next", "assistant:b", "tool:b"]);
  });
});
