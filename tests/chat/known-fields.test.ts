import { expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expectSameAsSchemas, padded, parsedCorpusBodies } from "../helpers/same-validation";
import { agentRequestBodies } from "../../bench/agent-requests";
import { knownMessages } from "../../src/chat/known-messages";
import { knownTools } from "../../src/chat/known-tools";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { withKnownFields } from "../../src/doors/with-known-fields";
import { openaiChatRequestSchema, parseOpenAIChatRequest } from "../../src/doors/openai/openai-request-schema";
import { openaiCorpus } from "../helpers/malformed-corpus/openai";

/**
 * The chat door's validation with the common turns and function tools built by hand
 * (known-messages.ts, known-tools.ts) against the zod schema alone: the same success, the same output (keys in the same order, a key holding
 * undefined kept), the same issues, on every eval case, the agent benchmark bodies, the OpenAI
 * door's malformed corpus and generated turns. The fast path must be taken on most of them, or
 * the comparison proves nothing.
 */

const parseChat = withKnownFields(chatRequestSchema, { messages: knownMessages, tools: knownTools, placeholderTurns: [{ role: "user", content: "" }] });

/** Compares both validators on one body; says whether the hand-built turns were used. */
function expectSame(original: unknown): boolean {
  const body = padded(original);
  expectSameAsSchemas(body, [
    [openaiChatRequestSchema, parseOpenAIChatRequest],
    [chatRequestSchema, parseChat],
  ]);
  return knownMessages(structuredClone((body as { messages?: unknown })?.messages)) !== undefined;
}

function evalRequests(): unknown[] {
  const root = join(import.meta.dir, "..", "fixtures", "routing-eval");
  const files = [join(root, "eval-set.jsonl"), ...readdirSync(join(root, "blind")).map((split) => join(root, "blind", split, "cases.jsonl"))];
  return files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => (JSON.parse(line) as { request: unknown }).request),
  );
}

test("every eval case: the same output as the schema, the turns built by hand", () => {
  const requests = evalRequests();
  expect(requests.length).toBeGreaterThan(1_000);
  let fast = 0;
  for (const request of requests) if (expectSame(request)) fast++;
  expect(fast / requests.length).toBeGreaterThan(0.9);
});

test("the agent benchmark bodies (10 KB to 500 KB, Claude Code and Cline)", () => {
  for (const client of ["claude-code", "cline"] as const) {
    for (const size of [30_000, 200_000, 500_000]) expect(expectSame(JSON.parse(agentRequestBodies(client, size)()))).toBe(true);
  }
});

test("the OpenAI door's malformed corpus: the same refusals, issue for issue", () => {
  let compared = 0;
  for (const body of parsedCorpusBodies(openaiCorpus)) {
    expectSame(body);
    compared++;
  }
  expect(compared).toBeGreaterThan(200);
});

test("turns the schema outputs differently from its input: defaults, transforms, key order", () => {
  const cases: unknown[] = [
    [{ content: "a", role: "user", x: 1 }],
    [{ role: "assistant" }],
    [{ role: "assistant", content: null, tool_calls: [] }],
    [{ role: "assistant", content: [], tool_calls: null }],
    [{ role: "assistant", content: "x", tool_calls: [{ id: "", function: { name: "f" } }] }],
    [{ role: "assistant", tool_calls: [{ function: { arguments: "{}", name: "f", z: 1 }, type: "function", id: "a", y: 2 }], content: null, reasoning_content: null }],
    [{ role: "tool", tool_call_id: "a", content: [] }],
    [{ role: "user", content: [{ text: "t", type: "text", cache_control: { type: "ephemeral" } }] }],
    [JSON.parse('{"role":"user","content":"x","2":1,"1":0}')],
  ];
  for (const messages of cases) expect(expectSame({ model: "m", messages })).toBe(true);
});

test("turns left to the schema: its refusals and the kinds the hand path does not build", () => {
  const cases: unknown[] = [
    [],
    [{ role: "user", content: [] }],
    [{ role: "user" }],
    [{ role: "user", content: "x", name: 1 }],
    [{ role: "user", content: [{ type: "" }] }],
    [{ role: "tool", tool_call_id: "", content: "r" }],
    [{ role: "tool", tool_call_id: "a\nb", content: "r" }],
    [{ role: "tool", tool_call_id: "\u0085", content: "r" }],
    [{ role: "tool", tool_call_id: "x".repeat(257), content: "r" }],
    [{ role: "assistant", tool_calls: [{ id: "a", type: "custom", custom: { name: "f", input: "" } }] }],
    [{ role: "assistant", tool_calls: [{ id: "a", function: { name: "f" }, openai_custom: true }] }],
    [{ role: "assistant", tool_calls: [{ id: "a", type: null, function: { name: "f" } }] }],
    [{ role: "assistant", tool_calls: [{ id: "a", function: { name: "f", arguments: {} } }] }],
    [{ role: "assistant", reasoning_details: [] }],
    [{ role: "assistant", reasoning_content: 1 }],
    [{ role: "function", name: "f", content: "x" }],
    [JSON.parse('{"role":"user","content":"x","__proto__":{"a":1}}')],
  ];
  for (const messages of cases) expect(expectSame({ model: "m", messages })).toBe(false);
});

const text = fc.oneof(fc.constantFrom("", "a", "call_1", "a\nb", "\u0000", "\u0085", "x".repeat(256), "x".repeat(257), "é😀"), fc.string({ maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }));
const anything: fc.Arbitrary<unknown> = fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}));
/** Mostly the expected kind of value, sometimes anything else. */
const mostly = (expected: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: expected, weight: 12 }, { arbitrary: anything, weight: 1 });
/** An object whose keys come in a random order, some keys left out, some unknown ones added. */
function looseRecord(fields: Record<string, fc.Arbitrary<unknown>>, requiredKeys: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(fields, { requiredKeys }), fc.dictionary(fc.constantFrom("extra", "cache_control", "0", "z"), anything, { maxKeys: 2 }), fc.boolean())
    .map(([known, extra, extraFirst]) => (extraFirst ? { ...extra, ...known } : { ...known, ...extra }));
}
const part = mostly(looseRecord({ type: mostly(fc.constantFrom("text", "image_url", "")), text }));
const content = mostly(fc.oneof(text, fc.array(part, { maxLength: 3 }), fc.constant(null)));
const call = mostly(
  looseRecord({
    id: mostly(text),
    type: mostly(fc.constantFrom("function", "function", "custom")),
    function: mostly(looseRecord({ name: mostly(text), arguments: mostly(text) })),
    openai_custom: fc.constant(true),
  }),
);
const tool = mostly(
  looseRecord({
    type: mostly(fc.constantFrom("function", "function", "custom")),
    function: mostly(
      looseRecord({
        name: mostly(text),
        description: mostly(text),
        parameters: mostly(fc.oneof(fc.constant({ type: "object", properties: { a: { type: "string" } } }), fc.dictionary(text, anything, { maxKeys: 3 }))),
        strict: mostly(fc.oneof(fc.boolean(), fc.constant(null))),
      }, ["name"]),
    ),
    anthropic: fc.constantFrom(undefined, undefined, undefined, undefined, { defer_loading: true }),
  }, ["type", "function"]).map((candidate) => {
    // Mostly without the anthropic extension (an undefined value stands for no key).
    const { anthropic, ...rest } = candidate;
    return anthropic === undefined ? rest : candidate;
  }),
);
const toolChoice = fc.oneof(fc.constantFrom("auto", "none", "required", null), fc.constant({ type: "function", function: { name: "a" } }));
const message = looseRecord({
  role: mostly(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function")),
  content,
  name: mostly(text),
  tool_call_id: mostly(text),
  tool_calls: mostly(fc.oneof(fc.array(call, { maxLength: 3 }), fc.constant(null))),
  reasoning_content: mostly(fc.oneof(text, fc.constant(null))),
});

test("tools the schema outputs differently from their input, and tools left to it", () => {
  const turn = [{ role: "user", content: "x" }];
  const built: unknown[] = [
    [],
    [{ function: { parameters: { type: "object", properties: {} }, name: "f", x: 1 }, type: "function", extra: true }],
    [{ type: "function", function: { name: "f", description: "d", strict: null, parameters: JSON.parse('{"2":1,"type":"object"}') } }],
  ];
  for (const tools of built) {
    expect(expectSame({ model: "m", messages: turn, tools })).toBe(true);
    expect(knownTools(structuredClone(tools))).toBeDefined();
  }
  const left: unknown[] = [
    null,
    [{ type: "custom", custom: { name: "f" } }],
    [{ type: "function", function: { name: "" } }],
    [{ type: "function", function: { name: "f", parameters: [] } }],
    [{ type: "function", function: { name: "f", strict: "yes" } }],
    [{ type: "function", function: { name: "f" }, anthropic: { defer_loading: true } }],
    [{ type: "function", function: { name: "f", parameters: JSON.parse('{"__proto__":{"a":1}}') } }],
  ];
  for (const tools of left) {
    expectSame({ model: "m", messages: turn, tools });
    expect(knownTools(structuredClone(tools))).toBeUndefined();
  }
  // An object tool_choice is read together with the tools (OpenAI's allowed_tools): the schema checks both.
  const allowed = { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "g" } }] } };
  const tools = [
    { type: "function", function: { name: "f" } },
    { type: "function", function: { name: "g" } },
  ];
  expectSame({ model: "m", messages: turn, tools, tool_choice: allowed });
  expectSame({ model: "m", messages: turn, tools, tool_choice: { type: "function", function: { name: "f" } } });
});

test("generated turns and tools: the same success, output and issues as the schema", () => {
  let fast = 0;
  let fastTools = 0;
  fc.assert(
    fc.property(
      fc.array(message, { minLength: 1, maxLength: 3 }),
      fc.option(fc.array(tool, { maxLength: 3 }), { nil: undefined }),
      fc.option(toolChoice, { nil: undefined }),
      (messages, tools, choice) => {
        const body = { model: "m", messages, ...(tools ? { tools } : {}), ...(choice !== undefined ? { tool_choice: choice } : {}) };
        if (expectSame(body)) fast++;
        // The tools again beside one plain turn, so that every generated tool list is compared.
        if (tools) expectSame({ model: "m", messages: [{ role: "user", content: "x" }], tools, ...(choice !== undefined ? { tool_choice: choice } : {}) });
        if (tools?.length && knownTools(structuredClone(tools))) fastTools++;
      },
    ),
    { numRuns: 3_000 },
  );
  expect(fast).toBeGreaterThan(150);
  expect(fastTools).toBeGreaterThan(150);
});
