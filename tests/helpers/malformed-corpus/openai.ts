import { badJson, badUtf8, deepNesting, type FieldSpec, missingFields, notAnObject, oversized, wrongContentTypes, wrongRoutes, wrongTypes } from "./generic";
import { withValue } from "./json-paths";
import { badNames, loneSurrogates, misleadingHeaders } from "./strings-and-headers";
import { type DoorCorpus, jsonPost, type MalformedRequest } from "./types";

/** The OpenAI chat-completions door's share of the corpus. */
const path = "/v1/chat/completions";

const call = { id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } };
/** A valid request using most of what the door accepts, so that every field can be broken. */
const base = {
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Read a.ts" }] },
    { role: "assistant", content: null, tool_calls: [call] },
    { role: "tool", tool_call_id: "call_1", content: "export const a = 1;" },
    { role: "user", content: "Thanks" },
  ],
  stream: false,
  stream_options: { include_usage: true },
  max_tokens: 100,
  max_completion_tokens: 100,
  temperature: 0.5,
  top_p: 1,
  n: 1,
  stop: ["\n\n"],
  presence_penalty: 0,
  frequency_penalty: 0,
  seed: 1,
  tools: [{ type: "function", function: { name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
  tool_choice: "auto",
  parallel_tool_calls: true,
  response_format: { type: "text" },
  user: "user-1",
  metadata: { session: "abc" },
};
const baseText = JSON.stringify(base);

const fields: FieldSpec[] = [
  { path: ["model"], accepts: ["string"] },
  { path: ["messages"], accepts: [] },
  ...[0, 1, 2, 3, 4].flatMap((index): FieldSpec[] => [
    { path: ["messages", index], accepts: [] },
    { path: ["messages", index, "role"], accepts: [] },
  ]),
  { path: ["messages", 0, "content"], accepts: ["string", "array"] },
  { path: ["messages", 1, "content"], accepts: ["string", "array"] },
  { path: ["messages", 1, "content", 0], accepts: [] },
  { path: ["messages", 1, "content", 0, "type"], accepts: ["string"] },
  { path: ["messages", 2, "content"], accepts: ["string", "array", "null"] },
  { path: ["messages", 2, "tool_calls"], accepts: ["array", "null"] },
  { path: ["messages", 2, "tool_calls", 0], accepts: [] },
  { path: ["messages", 2, "tool_calls", 0, "id"], accepts: ["string"] },
  { path: ["messages", 2, "tool_calls", 0, "type"], accepts: [] },
  { path: ["messages", 2, "tool_calls", 0, "function"], accepts: [] },
  { path: ["messages", 2, "tool_calls", 0, "function", "name"], accepts: ["string"] },
  { path: ["messages", 2, "tool_calls", 0, "function", "arguments"], accepts: ["string"] },
  { path: ["messages", 3, "tool_call_id"], accepts: ["string"] },
  { path: ["messages", 3, "content"], accepts: ["string", "array"] },
  { path: ["messages", 4, "content"], accepts: ["string", "array"] },
  { path: ["stream"], accepts: ["boolean", "null"] },
  { path: ["stream_options"], accepts: ["object", "null"] },
  { path: ["stream_options", "include_usage"], accepts: ["boolean"] },
  { path: ["max_tokens"], accepts: ["integer", "null"] },
  { path: ["max_completion_tokens"], accepts: ["integer", "null"] },
  { path: ["temperature"], accepts: ["number", "null"] },
  { path: ["top_p"], accepts: ["number", "null"] },
  { path: ["n"], accepts: ["integer", "null"] },
  { path: ["stop"], accepts: ["string", "array", "null"] },
  { path: ["presence_penalty"], accepts: ["number", "null"] },
  { path: ["frequency_penalty"], accepts: ["number", "null"] },
  { path: ["seed"], accepts: ["integer", "null"] },
  { path: ["tools"], accepts: ["array", "null"] },
  { path: ["tools", 0], accepts: [] },
  { path: ["tools", 0, "type"], accepts: [] },
  { path: ["tools", 0, "function"], accepts: [] },
  { path: ["tools", 0, "function", "name"], accepts: ["string"] },
  { path: ["tools", 0, "function", "description"], accepts: ["string"] },
  { path: ["tools", 0, "function", "parameters"], accepts: ["object"] },
  { path: ["tool_choice"], accepts: ["null"] },
  { path: ["parallel_tool_calls"], accepts: ["boolean", "null"] },
  { path: ["response_format"], accepts: ["null"] },
  { path: ["user"], accepts: ["string", "null"] },
  { path: ["metadata"], accepts: ["object", "null"] },
];

const required = [
  ["model"],
  ["messages"],
  ...[0, 1, 2, 3, 4].map((index) => ["messages", index, "role"]),
  ["messages", 0, "content"],
  ["messages", 1, "content"],
  ["messages", 1, "content", 0, "type"],
  ["messages", 3, "tool_call_id"],
  ["messages", 3, "content"],
  ["messages", 4, "content"],
  ["messages", 2, "tool_calls", 0, "id"],
  ["messages", 2, "tool_calls", 0, "function"],
  ["messages", 2, "tool_calls", 0, "function", "name"],
  ["tools", 0, "type"],
  ["tools", 0, "function"],
  ["tools", 0, "function", "name"],
  ["response_format", "type"],
];

const post = (name: string, change: (body: typeof base) => unknown): MalformedRequest => jsonPost(name, path, JSON.stringify(change(structuredClone(base))));
const set = (field: Array<string | number>, value: unknown) => (body: typeof base) => withValue(body, field, value);

/** Values of the right type that the door (or any upstream) refuses. */
function badValues(): MalformedRequest[] {
  const controlCharacters = [...Array.from({ length: 32 }, (_, code) => code), 0x7f, 0x85, 0x9f];
  return [
    ...["bot", "System", "USER", "", "function_call", "tool_result", "human", "model", "ai", "assistant "].map((role) =>
      post(`role ${JSON.stringify(role)}`, set(["messages", 4, "role"], role)),
    ),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in the model name`, set(["model"], `gpt-4o${String.fromCharCode(code)}-mini`))),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in a provider-prefixed model name`, set(["model"], `openai:gpt-4o${String.fromCharCode(code)}mini`))),
    ...["", " ", "\t", "   "].map((model) => post(`model ${JSON.stringify(model)}`, set(["model"], model))),
    ...[257, 300_000, 1_000_000].flatMap((length) => [
      post(`a model name of ${length} characters`, set(["model"], "m".repeat(length))),
      post(`a provider-prefixed model name of ${length} characters`, set(["model"], `openai:${"m".repeat(length)}`)),
    ]),
    post("no messages", set(["messages"], [])),
    post("a user message of parts, none", set(["messages", 1, "content"], [])),
    post("a system message of parts, none", set(["messages", 0, "content"], [])),
    post("a content part without a type", set(["messages", 1, "content", 0], { text: "Read a.ts" })),
    post("a content part with an empty type", set(["messages", 1, "content", 0, "type"], "")),
    post("an empty tool_call_id", set(["messages", 3, "tool_call_id"], "")),
    post("a tool call without a name", set(["messages", 2, "tool_calls", 0, "function", "name"], "")),
    post("a tool without a name", set(["tools", 0, "function", "name"], "")),
    post("a tool of type retrieval", set(["tools", 0, "type"], "retrieval")),
    ...[-0.1, 2.1, 100].map((value) => post(`temperature ${value}`, set(["temperature"], value))),
    ...[-0.5, 1.5].map((value) => post(`top_p ${value}`, set(["top_p"], value))),
    ...[0, 2, 10].map((value) => post(`n ${value}`, set(["n"], value))),
    ...[0, -1, 1.5].flatMap((value) => [post(`max_tokens ${value}`, set(["max_tokens"], value)), post(`max_completion_tokens ${value}`, set(["max_completion_tokens"], value))]),
    ...[-2.5, 2.5].flatMap((value) => [post(`presence_penalty ${value}`, set(["presence_penalty"], value)), post(`frequency_penalty ${value}`, set(["frequency_penalty"], value))]),
    post("seed 1.5", set(["seed"], 1.5)),
    post("five stop sequences", set(["stop"], ["a", "b", "c", "d", "e"])),
    post("a stop sequence that is a number", set(["stop"], ["a", 1])),
    ...["sometimes", "any", ""].map((choice) => post(`tool_choice ${JSON.stringify(choice)}`, set(["tool_choice"], choice))),
    post("tool_choice a function without a name", set(["tool_choice"], { type: "function", function: {} })),
    post("tool_choice of type tool", set(["tool_choice"], { type: "tool", function: { name: "read_file" } })),
    ...["xml", "json", ""].map((type) => post(`response_format ${JSON.stringify(type)}`, set(["response_format"], { type }))),
    post("response_format json_schema without a name", set(["response_format"], { type: "json_schema", json_schema: { schema: {} } })),
    post("response_format json_schema without json_schema", set(["response_format"], { type: "json_schema" })),
  ];
}

export const openaiCorpus: DoorCorpus = {
  door: "openai",
  generate: ({ maxBodyBytes }) => [
    ...wrongTypes(path, base, fields),
    ...missingFields(path, base, required),
    ...badValues(),
    ...badJson(path, baseText, 3),
    ...notAnObject(path),
    ...badUtf8(path, baseText),
    ...deepNesting(path, base, [["metadata", "deep"], ["tools", 0, "function", "parameters", "properties"], ["x_unknown"], ["messages", 1, "content", 0, "extra"]]),
    ...loneSurrogates(path, base, [["model"]]),
    ...badNames(path, base, [["tools", 0, "function", "name"], ["messages", 2, "tool_calls", 0, "function", "name"], ["messages", 2, "tool_calls", 0, "id"], ["messages", 3, "tool_call_id"]]),
    ...oversized(path, base, ["messages", 4, "content"], maxBodyBytes),
    ...wrongContentTypes(path, baseText),
    ...misleadingHeaders(path, baseText),
    ...["m".repeat(10_000), `openai:${"m".repeat(10_000)}`, "no-such-model", "gpt-4o%00-mini"].map((name): MalformedRequest => ({ name: `GET /v1/models/${name.slice(0, 30)}`, method: "GET", path: `/v1/models/${name}`, headers: {} })),
    ...wrongRoutes(
      [
        { method: "POST", path },
        { method: "GET", path: "/v1/models" },
      ],
      ["/v1/embeddings", "/v1/completions", "/v1/chat", "/v1/chat/completion", "/v1/chat/completions/extra", "/v1/chat/completions/", "/v1/", "/v1/%00", "/v1/audio/speech", "/v1/images/generations", "/v1/moderations"],
    ),
  ],
  valid: () => jsonPost("the valid base request", path, baseText),
  normal: () => jsonPost("a normal request", path, JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] })),
  shapeProblem: openaiErrorShapeProblem,
};

/** What is wrong with a body for OpenAI's error shape (the chat and the Responses doors'). */
export function openaiErrorShapeProblem(body: unknown): string | undefined {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || Object.keys(body as object).length !== 1) return `not {"error": {...}}: ${JSON.stringify(body).slice(0, 200)}`;
  const keys = Object.keys(error).sort().join(",");
  if (keys !== "code,message,param,type") return `error keys are ${keys}`;
  if (typeof error.message !== "string" || error.message.length < 10) return "no readable message";
  if (typeof error.type !== "string") return "no type";
  return undefined;
}
