import { expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expectSameAsSchemas, padded, parsedCorpusBodies } from "../helpers/same-validation";
import { agentRequestBodies } from "../../bench/agent-requests";
import { benchBody } from "../../bench/bench-question";
import { knownMessages } from "../../src/chat/known-messages";
import { knownTools } from "../../src/chat/known-tools";
import { knownRequest } from "../../src/chat/known-request";
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

const parseChat = withKnownFields(chatRequestSchema, { messages: knownMessages, tools: knownTools, placeholderTurns: [{ role: "user", content: "" }], request: knownRequest });

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

/** Compares both validators on the body as sent (not padded); says whether the whole request was built by hand (known-request.ts). */
function expectSameWhole(original: unknown): boolean {
  expectSameAsSchemas(original, [
    [openaiChatRequestSchema, parseOpenAIChatRequest],
    [chatRequestSchema, parseChat],
  ]);
  const body = structuredClone(original) as Record<string, unknown>;
  const messages = knownMessages(body.messages);
  return messages !== undefined && knownRequest(body, messages, knownTools(body.tools)) !== undefined;
}

const turn = [{ role: "user", content: "x" }];

test("the benchmark's small request and the eval cases: built whole, the same output as the schema", () => {
  expect(expectSameWhole(JSON.parse(benchBody()))).toBe(true);
  expect(expectSameWhole(JSON.parse(benchBody({ stream: true })))).toBe(true);
  const requests = evalRequests();
  let whole = 0;
  for (const request of requests) if (expectSameWhole(request)) whole++;
  expect(whole / requests.length).toBeGreaterThan(0.5);
});

test("top-level fields the schema outputs differently from its input, and fields left to it", () => {
  const built: Array<Record<string, unknown>> = [
    { messages: turn, model: "  m  " },
    { model: "m", messages: turn, stream: true, stream_options: { x: 1, include_usage: true }, z: 1, a: [1] },
    { model: "m", messages: turn, stop: ["a", "b", "c", "d"], user: "u", seed: -3, n: 1, parallel_tool_calls: false },
    { model: "m", messages: turn, stop: "s", temperature: 2, top_p: 0, presence_penalty: -2, frequency_penalty: 2, max_tokens: 1, max_completion_tokens: 2 ** 53 - 1 },
    { model: "m", messages: turn, stream: null, stream_options: null, max_tokens: null, temperature: null, top_p: null, n: null, stop: null, tools: null, tool_choice: null, user: null, seed: null },
    { model: "m", messages: turn, tool_choice: "auto", tools: [{ type: "function", function: { name: "f" } }] },
    { model: "m", messages: turn, stream_options: {} },
    JSON.parse('{"2":1,"model":"m","1":0,"messages":[{"role":"user","content":"x"}],"temperature":0.5}'),
  ];
  for (const body of built) expect(expectSameWhole(body)).toBe(true);
  // As zod's: new objects and arrays where the schema copies (stop, stream_options), never the client's own.
  const body = { model: "m", messages: turn, stop: ["a"], stream_options: { include_usage: true } };
  const output = parseChat(body).data as typeof body;
  expect(output.stop).not.toBe(body.stop);
  expect(output.stream_options).not.toBe(body.stream_options);
  const left: Array<Record<string, unknown>> = [
    { messages: turn },
    { model: "", messages: turn },
    { model: "   ", messages: turn },
    { model: "a\u0000b", messages: turn },
    { model: "x".repeat(257), messages: turn },
    { model: 1, messages: turn },
    { model: "m", messages: turn, stream: "yes" },
    { model: "m", messages: turn, stream_options: { include_usage: "yes" } },
    { model: "m", messages: turn, stream_options: [] },
    { model: "m", messages: turn, stream_options: JSON.parse('{"__proto__":{"a":1}}') },
    { model: "m", messages: turn, max_tokens: 0 },
    { model: "m", messages: turn, max_tokens: 1.5 },
    { model: "m", messages: turn, max_completion_tokens: 2 ** 53 },
    { model: "m", messages: turn, temperature: 2.01 },
    { model: "m", messages: turn, top_p: -0.1 },
    { model: "m", messages: turn, presence_penalty: "1" },
    { model: "m", messages: turn, n: 2 },
    { model: "m", messages: turn, seed: 0.5 },
    { model: "m", messages: turn, stop: ["a", "b", "c", "d", "e"] },
    { model: "m", messages: turn, stop: ["a", 1] },
    { model: "m", messages: turn, tool_choice: "any" },
    { model: "m", messages: turn, tool_choice: { type: "function", function: { name: "f" } } },
    { model: "m", messages: turn, tools: [{ type: "custom", custom: { name: "f" } }] },
    { model: "m", messages: turn, response_format: { type: "text" } },
    { model: "m", messages: turn, metadata: { a: "b" } },
    { model: "m", messages: turn, anthropic: {} },
    { model: "m", messages: turn, openai_tools: {} },
    { model: "m", messages: turn, user: 1 },
    JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"a":1}}'),
  ];
  for (const body of left) expect(expectSameWhole(body)).toBe(false);
});

test("generated top-level fields: the same success, output and issues as the schema", () => {
  // Each field mostly a value the schema takes (so that many bodies are built whole), sometimes a bound or anything else.
  const edges = fc.oneof(fc.constantFrom(-1, 0, 1, 2, -2, 2.5, 2 ** 53 - 1, 2 ** 53, -0, 1e-9), fc.double({ noNaN: true, noDefaultInfinity: true }), anything);
  const numeric = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 15, arbitrary: fc.oneof(valid, fc.constant(null)) }, { weight: 1, arbitrary: edges });
  const rarely = <T>(value: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: fc.constant("omit" as const) }, { weight: 1, arbitrary: value });
  const fields = looseRecord({
    model: fc.oneof({ weight: 15, arbitrary: fc.constantFrom("m", " m ", "gpt-4o-mini") }, { weight: 1, arbitrary: mostly(fc.constantFrom("", " ", "a\tb")) }),
    messages: fc.constant(turn),
    stream: mostly(fc.oneof(fc.boolean(), fc.constant(null))),
    stream_options: mostly(fc.oneof(fc.constant(null), looseRecord({ include_usage: mostly(fc.boolean()) }))),
    max_tokens: numeric(fc.integer({ min: 1 })),
    max_completion_tokens: numeric(fc.integer({ min: 1 })),
    temperature: numeric(fc.double({ min: 0, max: 2, noNaN: true })),
    top_p: numeric(fc.double({ min: 0, max: 1, noNaN: true })),
    n: numeric(fc.constant(1)),
    seed: numeric(fc.integer()),
    presence_penalty: numeric(fc.double({ min: -2, max: 2, noNaN: true })),
    frequency_penalty: numeric(fc.double({ min: -2, max: 2, noNaN: true })),
    stop: mostly(fc.oneof(text, fc.constant(null), fc.array(mostly(text), { maxLength: 5 }))),
    tool_choice: fc.oneof({ weight: 15, arbitrary: fc.constantFrom("auto", "none", "required", null) }, { weight: 1, arbitrary: toolChoice }),
    tools: fc.constantFrom(null, [], [{ type: "function", function: { name: "f" } }]),
    parallel_tool_calls: mostly(fc.oneof(fc.boolean(), fc.constant(null))),
    user: mostly(fc.oneof(text, fc.constant(null))),
    response_format: rarely(fc.constantFrom({ type: "text" }, { type: "json_object" }, { type: "x" })),
    metadata: rarely(fc.constantFrom(null, { a: "b" })),
  }, ["model", "messages"]).map((body) => {
    for (const key of ["response_format", "metadata"]) if (body[key] === "omit") delete body[key];
    return body;
  });
  let whole = 0;
  let compared = 0;
  fc.assert(
    fc.property(fields, (body) => {
      compared++;
      if (expectSameWhole(body)) whole++;
    }),
    { numRuns: 3_000 },
  );
  expect(whole).toBeGreaterThan(compared / 10);
});
