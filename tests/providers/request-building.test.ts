import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { ChatRequest } from "../../src/chat/request-schema";
import { UpstreamToolNames } from "../../src/providers/openai-compatible/upstream-tool-names";
import { toOpenAIRequest } from "../../src/providers/openai-compatible/to-openai-request";
import { withoutExtensions } from "../../src/providers/openai-compatible/without-extensions";
import { capturingLogger } from "../helpers/capturing-logger";
import { toOpenAIRequestReference } from "./reference/to-openai-request-reference";
import { upstreamToolNamesReference } from "./reference/upstream-tool-names-reference";
import { withoutExtensionsReference } from "./reference/without-extensions-reference";

/**
 * The OpenAI-wire provider's request building allocates nothing for a request it leaves as it is
 * (UpstreamToolNames.of, withoutExtensions) and copies the request once (toOpenAIRequest). Each is
 * compared with the version it replaced
 * (tests/providers/reference/) on generated requests: the same renaming map, the same output (key
 * order included), the same objects kept where nothing changed, the same debug line.
 */
const names = fc.constantFrom("read_file", "Bash", "ok-name_2", "bad name!", "a".repeat(64), "b".repeat(65), "mcp__plugin_tools_server__a_rather_long_tool_name_that_goes_past_the_limit", "ünïcode");
const mark = fc.option(fc.constant({ type: "ephemeral" }), { nil: undefined });
const text = fc.constantFrom("hello", "line one\nline two", "");

const part = fc.oneof(
  fc.record({ type: fc.constant("text"), text, cache_control: mark }, { requiredKeys: ["type", "text"] }),
  fc.record({ type: fc.constant("file"), file: fc.record({ file_data: fc.constantFrom("data:text/plain;base64,aGVsbG8gd29ybGQ=", "data:application/pdf;base64,JVBERi0="), filename: fc.option(fc.constant("notes.txt"), { nil: undefined }) }, { requiredKeys: ["file_data"] }) }),
  fc.record({ type: fc.constant("image_url"), image_url: fc.record({ url: fc.constant("https://example.com/a.png") }), cache_control: mark }, { requiredKeys: ["type", "image_url"] }),
);
const content = fc.oneof(text, fc.array(part, { minLength: 0, maxLength: 3 }));
const call = fc.record({ id: fc.constantFrom("call_1", "call_2"), type: fc.constant("function"), function: fc.record({ name: names, arguments: fc.constant("{}") }), cache_control: mark }, { requiredKeys: ["id", "type", "function"] });

const message = fc.oneof(
  fc.record({ role: fc.constant("system"), content: text, cache_control: mark }, { requiredKeys: ["role", "content"] }),
  fc.record({ role: fc.constant("user"), content, cache_control: mark }, { requiredKeys: ["role", "content"] }),
  fc.record(
    {
      role: fc.constant("assistant"),
      content: fc.option(text, { nil: null }),
      tool_calls: fc.option(fc.array(call, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      cache_control: mark,
      reasoning_content: fc.option(fc.constant("I should read the file."), { nil: undefined }),
      reasoning_details: fc.option(fc.constant([{ type: "reasoning.text", text: "thought", format: "anthropic-claude-v1", index: 0 }]), { nil: undefined }),
    },
    { requiredKeys: ["role", "content"] },
  ),
  fc.record({ role: fc.constant("tool"), tool_call_id: fc.constant("call_1"), content, is_error: fc.option(fc.constant(true), { nil: undefined }) }, { requiredKeys: ["role", "tool_call_id", "content"] }),
);
const tool = fc.record(
  { type: fc.constant("function"), function: fc.record({ name: names, parameters: fc.constant({ type: "object" }) }), anthropic: fc.option(fc.constant({ defer_loading: true }), { nil: undefined }), cache_control: mark },
  { requiredKeys: ["type", "function"] },
);
const request = fc.record(
  {
    model: fc.constant("gpt-4o-mini"),
    messages: fc.array(message, { minLength: 1, maxLength: 6 }),
    tools: fc.array(tool, { minLength: 0, maxLength: 3 }),
    tool_choice: fc.oneof(fc.constant("auto"), fc.record({ type: fc.constant("function"), function: fc.record({ name: names }) })),
    anthropic: fc.constantFrom({}, { betas: ["context-1m"] }, { fields: { context_management: {} } }, { betas: ["a"], server_tools: [{ type: "web_search_20250305", name: "web_search" }] }),
    thinking: fc.constant({ type: "enabled", budget_tokens: 1024 }),
    top_k: fc.constant(5),
    temperature: fc.constant(0.2),
    stream: fc.boolean(),
    stream_options: fc.constantFrom({ include_usage: false }, {}, undefined),
    max_tokens: fc.constantFrom(100, 1_000_000, undefined, null),
    max_completion_tokens: fc.constantFrom(200, undefined),
    stop: fc.constantFrom(["a"], ["a", "b", "c", "d", "e"]),
    user: fc.constantFrom("someone", "x".repeat(300)),
    metadata: fc.constant({ client: "cline" }),
    store: fc.boolean(),
  },
  { requiredKeys: ["model", "messages"] },
) as unknown as fc.Arbitrary<ChatRequest>;

/** Where the output keeps the request's own objects: the request, its messages array, each message and its parts. */
function kept(output: ChatRequest, input: ChatRequest): boolean[] {
  const flags = [output === input, output.messages === input.messages, output.tools === input.tools];
  output.messages.forEach((message, index) => {
    const original = input.messages[index];
    flags.push(message === original);
    if (Array.isArray(message.content) && original) flags.push(message.content === original.content);
  });
  return flags;
}

describe("request building for OpenAI-wire upstreams", () => {
  test("UpstreamToolNames.of renames the same names as before", () => {
    fc.assert(
      fc.property(request, (input) => {
        const names = UpstreamToolNames.of(input) as unknown as { toClient: Map<string, string> } | undefined;
        const reference = upstreamToolNamesReference(input);
        expect(names?.toClient === undefined ? undefined : [...names.toClient]).toEqual(reference === undefined ? undefined : [...reference]);
      }),
      { numRuns: 3000 },
    );
  });

  test("withoutExtensions gives what it gave before, keeping the same objects", () => {
    fc.assert(
      fc.property(request, fc.boolean(), (input, strict) => {
        const now = capturingLogger();
        const before = capturingLogger();
        const output = withoutExtensions(input, strict, "gpt-4o-mini", now.logger);
        const reference = withoutExtensionsReference(input, strict, "gpt-4o-mini", before.logger);
        expect(JSON.stringify(output)).toBe(JSON.stringify(reference));
        expect(Object.keys(output)).toEqual(Object.keys(reference));
        expect(kept(output, input)).toEqual(kept(reference, input));
        const lines = (captured: typeof now) => captured.lines.map(({ time: _time, ...line }) => line);
        expect(lines(now)).toEqual(lines(before));
      }),
      { numRuns: 3000 },
    );
  });

  test("toOpenAIRequest builds the same upstream body as before, key order included", () => {
    const rules = { maxTokensField: "max_completion_tokens" as const, maxOutput: (model: string) => (model === "small" ? 4096 : undefined) };
    fc.assert(
      fc.property(request, fc.boolean(), fc.boolean(), fc.constantFrom("gpt-4o-mini", "small"), (input, strictFields, customTools, model) => {
        const now = capturingLogger();
        const before = capturingLogger();
        const options = { ...rules, strictFields, customTools, isReasoningModel: (name: string) => name === "small" };
        const body = toOpenAIRequest(input, model, options, now.logger);
        const reference = toOpenAIRequestReference(input, model, options, before.logger);
        expect(JSON.stringify(body)).toBe(JSON.stringify(reference));
        expect(Object.keys(body)).toEqual(Object.keys(reference));
        const lines = (captured: typeof now) => captured.lines.map(({ time: _time, ...line }) => line);
        expect(lines(now)).toEqual(lines(before));
      }),
      { numRuns: 3000 },
    );
  });
});
