import { expect } from "bun:test";
import { GEMINI_THOUGHT_SIGNATURE, TOOL_ARGUMENTS, TOOL_NAME, TOOL_RESULT, USER_PROMPT } from "./matrix-script";

/**
 * Reading what the door matrices' mock upstreams received, in each wire format, and the checks of
 * step 2 (the assistant's call and the tool result) that every door holds a provider to alike.
 */
export type Body = Record<string, unknown>;
export type Message = Record<string, unknown> & { role: string };

export const asRecord = (value: unknown): Body => (value && typeof value === "object" ? (value as Body) : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** Anthropic content: a string, or blocks whose text blocks are joined. */
export const anthropicText = (content: unknown): string =>
  typeof content === "string" ? content : asArray(content).map((block) => (asRecord(block).type === "text" ? String(asRecord(block).text) : "")).join("");

/** The name the Claude CLI gives the client's tool (its MCP server is called `client`). */
export const CLI_TOOL_NAME = `mcp__client__${TOOL_NAME}`;

/** OpenAI chat wire: the assistant's tool_calls turn, then a `role: "tool"` result. */
export function expectOpenAIWireRoundTrip(body: Body, callId: string): void {
  const messages = asArray(body.messages) as Message[];
  expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
  const [sentCall] = asArray(messages[1]!.tool_calls) as Array<{ id: string; function: { name: string; arguments: string } }>;
  expect(sentCall!.id).toBe(callId);
  expect(sentCall!.function.name).toBe(TOOL_NAME);
  expect(JSON.parse(sentCall!.function.arguments)).toEqual(TOOL_ARGUMENTS);
  expect(messages[2]).toMatchObject({ role: "tool", tool_call_id: callId, content: TOOL_RESULT });
}

/** Anthropic Messages: a tool_use block in the assistant turn, one tool_result in the next user turn. */
export function expectAnthropicRoundTrip(body: Body, callId: string): void {
  const messages = asArray(body.messages) as Message[];
  expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  expect(asArray(messages[1]!.content)).toContainEqual({ type: "tool_use", id: callId, name: TOOL_NAME, input: TOOL_ARGUMENTS });
  const results = asArray(messages[2]!.content).map(asRecord).filter((block) => block.type === "tool_result");
  expect(results.map((block) => [block.tool_use_id, anthropicText(block.content)])).toEqual([[callId, TOOL_RESULT]]);
}

/** Gemini pairs a response with its call by function name; the call's signature must come back too. */
export function expectGeminiRoundTrip(body: Body): void {
  const contents = asArray(body.contents) as Array<{ role: string; parts: Body[] }>;
  expect(contents.map((content) => content.role)).toEqual(["user", "model", "user"]);
  expect(contents[1]!.parts).toEqual([{ functionCall: { name: TOOL_NAME, args: TOOL_ARGUMENTS }, thoughtSignature: GEMINI_THOUGHT_SIGNATURE }]);
  expect(contents[2]!.parts).toEqual([{ functionResponse: { name: TOOL_NAME, response: { output: TOOL_RESULT } } }]);
}

/**
 * The Claude CLI: the client's tool offered under its MCP name, and the whole conversation sent as
 * the transcript the CLI provider renders into its one user prompt.
 */
export function expectCliRoundTrip(body: Body, callId: string): void {
  expect(asArray(body.tools).map((tool) => asRecord(tool).name)).toEqual([CLI_TOOL_NAME]);
  const messages = asArray(body.messages) as Message[];
  const prompt = messages.filter((message) => message.role === "user").map((message) => anthropicText(message.content)).join("\n");
  expect(prompt).toContain(`<user>\n${USER_PROMPT}\n</user>`);
  expect(prompt).toContain(`<tool_call id="${callId}" name="${CLI_TOOL_NAME}">\n${JSON.stringify(TOOL_ARGUMENTS)}\n</tool_call>`);
  expect(prompt).toContain(`<tool_result tool_call_id="${callId}">\n${TOOL_RESULT}\n</tool_result>`);
}
