import { expect, test } from "bun:test";
import fc from "fast-check";
import { expectSameAsSchemas, padded, parsedCorpusBodies } from "../../helpers/same-validation";
import { agentRequestBodies } from "../../../bench/agent-requests";
import { knownAnthropicMessages } from "../../../src/doors/anthropic/known-messages";
import { knownAnthropicTools } from "../../../src/doors/anthropic/known-tools";
import {
  anthropicToolSchema,
  anthropicTurnSchema,
  countTokensSchema,
  messagesSchema,
  parseCountTokensRequest,
  parseMessagesRequest,
} from "../../../src/doors/anthropic/messages-schema";
import { anthropicCorpus } from "../../helpers/malformed-corpus/anthropic";

/**
 * The Anthropic door's validation with the common turns and tools built by hand (known-messages.ts,
 * known-tools.ts) against the zod schemas alone: the same success, the same output (keys in the
 * same order), the same issues, on the door's malformed corpus, Claude Code-shaped requests of 30
 * to 500 KB and generated turns and tools. The hand path must be taken on most of them, or the
 * comparison proves nothing.
 */

/** Compares both validators of both routes on one body; says whether the turns were built by hand. */
function expectSame(original: unknown): boolean {
  const body = padded(original);
  expectSameAsSchemas(body, [
    [messagesSchema, parseMessagesRequest],
    [countTokensSchema, parseCountTokensRequest],
  ]);
  return knownAnthropicMessages(structuredClone((body as { messages?: unknown })?.messages), anthropicTurnSchema) !== undefined;
}

/** A Claude Code-shaped Messages request of about `bytes`, from the benchmark's chat-shaped agent bodies. */
function claudeCodeRequest(bytes: number): Record<string, unknown> {
  const chat = JSON.parse(agentRequestBodies("claude-code", bytes)()) as {
    messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
    tools: Array<{ function: { name: string; description?: string; parameters?: unknown } }>;
  };
  let system = "";
  const messages: unknown[] = [];
  for (const message of chat.messages) {
    if (message.role === "system") system = String(message.content);
    else if (message.role === "assistant") {
      const calls = (message.tool_calls ?? []).map((call) => ({ type: "tool_use", id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) as unknown }));
      messages.push({ role: "assistant", content: [{ type: "thinking", thinking: "Reading it.", signature: "sig" }, { type: "text", text: "Reading." }, ...calls] });
    } else if (message.role === "tool") {
      messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: message.tool_call_id, content: [{ type: "text", text: message.content }], is_error: false }] });
    } else messages.push({ role: "user", content: [{ type: "text", text: String(message.content), cache_control: { type: "ephemeral" } }] });
  }
  const tools = chat.tools.map((tool, index) => ({
    name: tool.function.name,
    description: tool.function.description,
    input_schema: tool.function.parameters,
    ...(index === chat.tools.length - 1 ? { cache_control: { type: "ephemeral", ttl: "1h" } } : {}),
  }));
  tools.push({ type: "web_search_20250305", name: "web_search" } as never);
  return { model: "claude-sonnet-4-5", max_tokens: 8192, system: [{ type: "text", text: system, cache_control: { type: "ephemeral" } }], messages, tools, stream: true };
}

test("Claude Code-shaped requests (30 KB to 500 KB): the same output, the turns built by hand", () => {
  for (const bytes of [30_000, 200_000, 500_000]) {
    const body = claudeCodeRequest(bytes);
    expect(expectSame(body)).toBe(true);
    expect(knownAnthropicTools(structuredClone(body.tools), anthropicToolSchema)).toBeDefined();
  }
});

test("the Anthropic door's malformed corpus: the same refusals, issue for issue", () => {
  let compared = 0;
  let built = 0;
  for (const body of parsedCorpusBodies(anthropicCorpus)) {
    if (expectSame(body)) built++;
    compared++;
  }
  expect(compared).toBeGreaterThan(200);
  expect(built).toBeGreaterThan(100);
});

const anything: fc.Arbitrary<unknown> = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}));
/** Mostly the expected kind of value, sometimes anything else. */
const mostly = (expected: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: expected, weight: 12 }, { arbitrary: anything, weight: 1 });
const text = fc.oneof(fc.constantFrom("", "a", "toolu_1", "a\nb", "\u0085", "x".repeat(256), "x".repeat(257)), fc.string({ minLength: 1, maxLength: 6 }));
/** An object whose keys come in a random order, optional keys left out, unknown ones added. */
function looseRecord(fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(fields, { requiredKeys }), fc.dictionary(fc.constantFrom("extra", "0", "z"), anything, { maxKeys: 1 }), fc.boolean())
    .map(([known, extra, extraFirst]) => (extraFirst ? { ...extra, ...known } : { ...known, ...extra }));
}
const mark = fc.oneof(
  fc.constant(null),
  fc.constant({ type: "ephemeral" }),
  fc.constant({ type: "ephemeral", ttl: "1h" }),
  fc.constant({ ttl: "5m", type: "ephemeral", extra: 1 }),
  fc.constant({ extra: 1, type: "ephemeral" }),
  fc.constant({ type: "ephemeral", ttl: "2h" }),
  fc.constant({ type: "persistent" }),
);
const textBlock = looseRecord({ type: fc.constant("text"), text: mostly(text), cache_control: mark, citations: fc.oneof(fc.constant(null), fc.constant([])) }, ["type", "text"]);
const block = fc.oneof(
  { arbitrary: textBlock, weight: 4 },
  { arbitrary: looseRecord({ type: fc.constant("tool_use"), id: mostly(text), name: mostly(text), input: mostly(fc.dictionary(text, anything, { maxKeys: 2 })), cache_control: mark }, ["type", "id", "name", "input"]), weight: 3 },
  {
    arbitrary: looseRecord(
      {
        type: fc.constant("tool_result"),
        tool_use_id: mostly(text),
        content: mostly(fc.oneof(text, fc.array(fc.oneof({ arbitrary: textBlock, weight: 5 }, { arbitrary: fc.constant({ type: "image", source: { type: "url", url: "u" } }), weight: 1 }), { maxLength: 2 }))),
        is_error: mostly(fc.oneof(fc.boolean(), fc.constant(null))),
        cache_control: mark,
      },
      ["type", "tool_use_id"],
    ),
    weight: 3,
  },
  { arbitrary: looseRecord({ type: fc.constant("thinking"), thinking: mostly(text), signature: mostly(text) }, ["type", "thinking", "signature"]), weight: 1 },
  { arbitrary: fc.constantFrom({ type: "redacted_thinking", data: "d" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "" } }, { type: "nope" }), weight: 1 },
);
const turn = looseRecord(
  { role: mostly(fc.constantFrom("user", "assistant", "assistant", "user", "system")), content: mostly(fc.oneof(text, fc.array(block, { maxLength: 3 }))) },
  ["role", "content"],
);
const tool = fc.oneof(
  {
    arbitrary: looseRecord(
      {
        type: fc.constantFrom(null, "custom", "web_search_20250305"),
        name: mostly(text),
        description: mostly(text),
        input_schema: mostly(fc.oneof(fc.constant({ type: "object", properties: {} }), fc.constant({ properties: {}, type: "object" }), fc.constant({ type: "string" }))),
        cache_control: mark,
        strict: mostly(fc.boolean()),
      },
      ["name", "input_schema"],
    ),
    weight: 6,
  },
  { arbitrary: anything, weight: 1 },
);

test("generated turns and tools: the same success, output and issues as the schemas", () => {
  let built = 0;
  let builtTools = 0;
  fc.assert(
    fc.property(fc.array(turn, { minLength: 1, maxLength: 3 }), fc.option(fc.array(tool, { maxLength: 3 }), { nil: undefined }), (messages, tools) => {
      if (expectSame({ model: "m", max_tokens: 10, messages, ...(tools ? { tools } : {}) })) built++;
      if (tools) {
        // The tools again beside one plain turn, so that every generated tool list is compared.
        expectSame({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }], tools });
        if (tools.length > 0 && knownAnthropicTools(structuredClone(tools), anthropicToolSchema)) builtTools++;
      }
    }),
    { numRuns: 3_000 },
  );
  expect(built).toBeGreaterThan(150);
  expect(builtTools).toBeGreaterThan(150);
});
