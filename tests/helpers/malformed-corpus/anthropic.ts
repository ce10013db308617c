import { badJson, badUtf8, deepNesting, type FieldSpec, missingFields, notAnObject, oversized, wrongContentTypes, wrongRoutes, wrongTypes } from "./generic";
import { withValue } from "./json-paths";
import { badNames, loneSurrogates, misleadingHeaders } from "./strings-and-headers";
import { type DoorCorpus, jsonPost, type MalformedRequest } from "./types";

/** The Anthropic Messages door's share of the corpus (POST /v1/messages, as Claude Code sends it). */
const path = "/v1/messages";
const headers = { "anthropic-version": "2023-06-01", "x-api-key": "any" };

/** A valid request using most of what the door accepts, so that every field can be broken. */
const base = {
  model: "claude-haiku-4-5",
  max_tokens: 100,
  system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Read a.ts" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      ],
    },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.ts" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "export const a = 1;", is_error: false }] },
    { role: "assistant", content: "Done." },
    { role: "user", content: "Thanks" },
  ],
  tools: [{ name: "read_file", description: "Read a file", input_schema: { type: "object", properties: { path: { type: "string" } } } }],
  tool_choice: { type: "auto" },
  metadata: { user_id: "user-1" },
  stop_sequences: ["\n\nHuman:"],
  temperature: 0.5,
  top_p: 1,
  top_k: 5,
  stream: false,
};
const baseText = JSON.stringify(base);
const post = (name: string, body: unknown, extra: Record<string, string> = {}): MalformedRequest => jsonPost(name, path, JSON.stringify(body), { ...headers, ...extra });
const set = (field: Array<string | number>, value: unknown) => withValue(base, field, value);

const fields: FieldSpec[] = [
  { path: ["model"], accepts: ["string"] },
  { path: ["max_tokens"], accepts: ["integer"] },
  { path: ["system"], accepts: ["string", "array", "null"] },
  { path: ["system", 0], accepts: [] },
  { path: ["system", 0, "type"], accepts: [] },
  { path: ["system", 0, "text"], accepts: ["string"] },
  { path: ["system", 0, "cache_control"], accepts: ["null"] },
  { path: ["system", 0, "cache_control", "type"], accepts: [] },
  { path: ["messages"], accepts: [] },
  ...[0, 1, 2, 3, 4].flatMap((index): FieldSpec[] => [
    { path: ["messages", index], accepts: [] },
    { path: ["messages", index, "role"], accepts: [] },
    { path: ["messages", index, "content"], accepts: ["string", "array"] },
  ]),
  { path: ["messages", 0, "content", 0], accepts: [] },
  { path: ["messages", 0, "content", 0, "type"], accepts: [] },
  { path: ["messages", 0, "content", 0, "text"], accepts: ["string"] },
  { path: ["messages", 0, "content", 1], accepts: [] },
  { path: ["messages", 0, "content", 1, "source"], accepts: [] },
  { path: ["messages", 0, "content", 1, "source", "type"], accepts: [] },
  { path: ["messages", 0, "content", 1, "source", "media_type"], accepts: ["string"] },
  { path: ["messages", 0, "content", 1, "source", "data"], accepts: ["string"] },
  { path: ["messages", 1, "content", 0], accepts: [] },
  { path: ["messages", 1, "content", 0, "type"], accepts: [] },
  { path: ["messages", 1, "content", 0, "id"], accepts: ["string"] },
  { path: ["messages", 1, "content", 0, "name"], accepts: ["string"] },
  { path: ["messages", 1, "content", 0, "input"], accepts: ["object"] },
  { path: ["messages", 2, "content", 0], accepts: [] },
  { path: ["messages", 2, "content", 0, "type"], accepts: [] },
  { path: ["messages", 2, "content", 0, "tool_use_id"], accepts: ["string"] },
  { path: ["messages", 2, "content", 0, "content"], accepts: ["string", "array"] },
  { path: ["messages", 2, "content", 0, "is_error"], accepts: ["boolean", "null"] },
  { path: ["tools"], accepts: ["array", "null"] },
  { path: ["tools", 0], accepts: [] },
  { path: ["tools", 0, "name"], accepts: ["string"] },
  { path: ["tools", 0, "description"], accepts: ["string"] },
  { path: ["tools", 0, "input_schema"], accepts: [] },
  { path: ["tools", 0, "input_schema", "type"], accepts: [] },
  { path: ["tool_choice"], accepts: ["null"] },
  { path: ["tool_choice", "type"], accepts: [] },
  { path: ["metadata"], accepts: ["object", "null"] },
  { path: ["metadata", "user_id"], accepts: ["string", "null"] },
  { path: ["stop_sequences"], accepts: ["array", "null"] },
  { path: ["stop_sequences", 0], accepts: ["string"] },
  { path: ["temperature"], accepts: ["number", "null"] },
  { path: ["top_p"], accepts: ["number", "null"] },
  { path: ["top_k"], accepts: ["integer", "null"] },
  { path: ["stream"], accepts: ["boolean", "null"] },
  { path: ["thinking"], accepts: ["null"] },
  { path: ["output_config"], accepts: ["object", "null"] },
];

const required = [
  ["model"],
  ["max_tokens"],
  ["messages"],
  ...[0, 1, 2, 3, 4].flatMap((index) => [
    ["messages", index, "role"],
    ["messages", index, "content"],
  ]),
  ["system", 0, "type"],
  ["system", 0, "text"],
  ["messages", 0, "content", 0, "type"],
  ["messages", 0, "content", 0, "text"],
  ["messages", 0, "content", 1, "source"],
  ["messages", 0, "content", 1, "source", "type"],
  ["messages", 0, "content", 1, "source", "data"],
  ["messages", 0, "content", 1, "source", "media_type"],
  ["messages", 1, "content", 0, "id"],
  ["messages", 1, "content", 0, "name"],
  ["messages", 1, "content", 0, "input"],
  ["messages", 2, "content", 0, "tool_use_id"],
  ["tools", 0, "name"],
  ["tools", 0, "input_schema"],
  ["tools", 0, "input_schema", "type"],
  ["tool_choice", "type"],
];

/** Values of the right type that the door (or the Messages API) refuses. */
function badValues(): MalformedRequest[] {
  const controlCharacters = [0, 1, 9, 10, 13, 27, 0x7f, 0x85];
  return [
    ...["bot", "User", "", "tool", "human", "model", "function", "assistant "].map((role) => post(`role ${JSON.stringify(role)}`, set(["messages", 4, "role"], role))),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in the model name`, set(["model"], `claude-haiku${String.fromCharCode(code)}-4-5`))),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in a provider-prefixed model name`, set(["model"], `openai:gpt-4o${String.fromCharCode(code)}mini`))),
    ...["", " ", "\t"].map((model) => post(`model ${JSON.stringify(model)}`, set(["model"], model))),
    ...[257, 300_000, 1_000_000].flatMap((length) => [
      post(`a model name of ${length} characters`, set(["model"], `claude-haiku-${"m".repeat(length)}`)),
      post(`a provider-prefixed model name of ${length} characters`, set(["model"], `openai:${"m".repeat(length)}`)),
    ]),
    post("no messages", set(["messages"], [])),
    post("a user message of blocks, none", set(["messages", 4, "content"], [])),
    post("a user message of empty text", set(["messages", 4, "content"], "")),
    post("a text block without text", set(["messages", 0, "content", 0], { type: "text" })),
    post("a block of an unknown type", set(["messages", 0, "content", 0], { type: "video", url: "x" })),
    post("a block without a type", set(["messages", 0, "content", 0], { text: "Read a.ts" })),
    post("an image of an unknown source type", set(["messages", 0, "content", 1, "source", "type"], "ftp")),
    post("an image source by file id", set(["messages", 0, "content", 1, "source"], { type: "file", file_id: "file_1" })),
    post("an empty tool_use id", set(["messages", 1, "content", 0, "id"], "")),
    post("an empty tool name in tool_use", set(["messages", 1, "content", 0, "name"], "")),
    post("an empty tool_use_id", set(["messages", 2, "content", 0, "tool_use_id"], "")),
    post("tool_use sent by the user", set(["messages", 0, "content", 0], { type: "tool_use", id: "toolu_2", name: "read_file", input: {} })),
    post("a tool without a name", set(["tools", 0, "name"], "")),
    post("a tool whose input_schema is no object schema", set(["tools", 0, "input_schema"], { type: "array" })),
    post("a tool of type custom without input_schema", set(["tools", 0], { type: "custom", name: "x" })),
    ...[0, -1, 1.5, 1e30].map((value) => post(`max_tokens ${value}`, set(["max_tokens"], value))),
    ...[-0.1, 1.1, 2].map((value) => post(`temperature ${value}`, set(["temperature"], value))),
    ...[-0.5, 1.5].map((value) => post(`top_p ${value}`, set(["top_p"], value))),
    ...[-1, 1.5].map((value) => post(`top_k ${value}`, set(["top_k"], value))),
    post("a stop sequence that is a number", set(["stop_sequences"], ["a", 1])),
    ...["sometimes", "required", ""].map((type) => post(`tool_choice ${JSON.stringify(type)}`, set(["tool_choice"], { type }))),
    post("tool_choice tool without a name", set(["tool_choice"], { type: "tool" })),
    post("tool_choice as a string", set(["tool_choice"], "auto")),
    post("thinking enabled without a budget", set(["thinking"], { type: "enabled" })),
    post("thinking of budget 0", set(["thinking"], { type: "enabled", budget_tokens: 0 })),
    post("thinking of an unknown type", set(["thinking"], { type: "always" })),
    post("output_config effort unknown", set(["output_config"], { effort: "extreme" })),
    post("output_config format of another type", set(["output_config"], { format: { type: "xml" } })),
    post("cache_control of another type", set(["system", 0, "cache_control"], { type: "permanent" })),
    post("cache_control of an unknown ttl", set(["system", 0, "cache_control"], { type: "ephemeral", ttl: "1y" })),
    post("a system block of type image", set(["system", 0], { type: "image", source: { type: "url", url: "https://example.invalid/a.png" } })),
    ...["", "x", "image/"].map((type) => post(`an image media_type ${JSON.stringify(type)}`, set(["messages", 0, "content", 1, "source", "media_type"], type))),
  ];
}

/** count_tokens takes the same body without max_tokens: the same translation, refused the same way. */
function countTokens(): MalformedRequest[] {
  const count = "/v1/messages/count_tokens";
  const { max_tokens: _, ...countBase } = base;
  const at = (name: string, field: Array<string | number>, value: unknown) => jsonPost(`count_tokens: ${name}`, count, JSON.stringify(withValue(countBase, field, value)), headers);
  return [
    at("tool_use sent by the user", ["messages", 0, "content", 0], { type: "tool_use", id: "toolu_2", name: "read_file", input: {} }),
    at("an image source by file id", ["messages", 0, "content", 1, "source"], { type: "file", file_id: "file_1" }),
    at("no messages", ["messages"], []),
    at("a model name of 300000 characters", ["model"], "m".repeat(300_000)),
    at("a NUL in the model name", ["model"], "claude-haiku\u0000-4-5"),
    at("a tool without a name", ["tools", 0, "name"], ""),
    jsonPost("count_tokens: not JSON", count, "{", headers),
  ];
}

/** Model lookups as an Anthropic client makes them, for names no model has. */
function modelLookups(): MalformedRequest[] {
  return ["m".repeat(10_000), "openai:" + "m".repeat(10_000), "no-such-model", "claude-haiku%00-4-5"].map((name) => ({
    name: `GET /v1/models/${name.slice(0, 30)}`,
    method: "GET",
    path: `/v1/models/${name}`,
    headers,
  }));
}

export const anthropicCorpus: DoorCorpus = {
  door: "anthropic",
  generate: ({ maxBodyBytes }) =>
    [
      ...wrongTypes(path, base, fields),
      ...missingFields(path, base, required),
      ...badValues(),
      ...badJson(path, baseText, 4),
      ...notAnObject(path),
      ...badUtf8(path, baseText),
      ...loneSurrogates(path, base, [["model"]]),
      ...badNames(path, base, [["tools", 0, "name"], ["messages", 1, "content", 0, "name"], ["messages", 1, "content", 0, "id"], ["messages", 2, "content", 0, "tool_use_id"]]),
      ...deepNesting(path, base, [["metadata", "deep"], ["tools", 0, "input_schema", "properties"], ["x_unknown"], ["messages", 1, "content", 0, "input"]]),
      ...oversized(path, base, ["messages", 4, "content"], maxBodyBytes),
      ...wrongContentTypes(path, baseText),
      ...misleadingHeaders(path, baseText),
      ...countTokens(),
      ...modelLookups(),
      ...wrongRoutes(
        [
          { method: "POST", path },
          { method: "POST", path: "/v1/messages/count_tokens" },
        ],
        ["/v1/messages/batches", "/v1/messages/extra", "/v1/messages/count_tokens/x", "/v1/messages/%00", "/v1/messages/" + "x".repeat(10_000)],
      ),
    ].map((request) => ({ ...request, headers: { ...headers, ...request.headers } })),
  valid: () => post("the valid base request", base),
  normal: () => post("a normal request", { model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] }),
  shapeProblem(body) {
    const top = body as { type?: unknown; error?: Record<string, unknown> } | null;
    const error = top?.error;
    if (!top || top.type !== "error" || !error || Object.keys(top).sort().join(",") !== "error,type") return `not {"type": "error", "error": {...}}: ${JSON.stringify(body).slice(0, 200)}`;
    const keys = Object.keys(error).sort().join(",");
    if (keys !== "message,type") return `error keys are ${keys}`;
    if (!anthropicErrorTypes.has(String(error.type))) return `error type ${String(error.type)} is not one of Anthropic's`;
    if (typeof error.message !== "string" || error.message.length < 10) return "no readable message";
    return undefined;
  },
};

const anthropicErrorTypes = new Set(["invalid_request_error", "authentication_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "timeout_error", "overloaded_error"]);
