import { badJson, badUtf8, deepNesting, type FieldSpec, missingFields, notAnObject, oversized, wrongContentTypes, wrongRoutes, wrongTypes } from "./generic";
import { withValue } from "./json-paths";
import { openaiErrorShapeProblem } from "./openai";
import { badNames, loneSurrogates, misleadingHeaders } from "./strings-and-headers";
import { type DoorCorpus, jsonPost, type MalformedRequest } from "./types";

/** The OpenAI Responses door's share of the corpus (POST /v1/responses, as Codex sends it). */
const path = "/v1/responses";

/** A valid request using most of what the door accepts, so that every field can be broken. */
const base = {
  model: "gpt-4o-mini",
  instructions: "Be brief.",
  input: [
    { type: "message", role: "user", content: [{ type: "input_text", text: "Read a.ts" }] },
    { type: "function_call", call_id: "call_1", name: "read_file", arguments: '{"path":"a.ts"}' },
    { type: "function_call_output", call_id: "call_1", output: "export const a = 1;" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Done." }] },
    { type: "message", role: "user", content: "Thanks" },
  ],
  tools: [{ type: "function", name: "read_file", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } }],
  tool_choice: "auto",
  parallel_tool_calls: true,
  max_output_tokens: 100,
  temperature: 0.5,
  top_p: 1,
  text: { format: { type: "text" } },
  store: false,
  metadata: { session: "abc" },
  user: "user-1",
  truncation: "disabled",
  include: ["reasoning.encrypted_content"],
  stream: false,
};
const baseText = JSON.stringify(base);
const post = (name: string, body: unknown): MalformedRequest => jsonPost(name, path, JSON.stringify(body));
const set = (field: Array<string | number>, value: unknown) => withValue(base, field, value);

const fields: FieldSpec[] = [
  { path: ["model"], accepts: ["string"] },
  { path: ["instructions"], accepts: ["string", "null"] },
  { path: ["input"], accepts: ["string", "array"] },
  ...[0, 1, 2, 3, 4].flatMap((index): FieldSpec[] => [
    { path: ["input", index], accepts: [] },
    { path: ["input", index, "type"], accepts: [] },
  ]),
  ...[0, 3, 4].map((index): FieldSpec => ({ path: ["input", index, "role"], accepts: [] })),
  { path: ["input", 0, "content"], accepts: ["string", "array"] },
  { path: ["input", 0, "content", 0], accepts: [] },
  { path: ["input", 0, "content", 0, "type"], accepts: [] },
  { path: ["input", 0, "content", 0, "text"], accepts: ["string"] },
  { path: ["input", 1, "call_id"], accepts: ["string"] },
  { path: ["input", 1, "name"], accepts: ["string"] },
  { path: ["input", 1, "arguments"], accepts: ["string"] },
  { path: ["input", 2, "call_id"], accepts: ["string"] },
  { path: ["input", 2, "output"], accepts: ["string", "array"] },
  { path: ["input", 3, "content"], accepts: ["string", "array"] },
  { path: ["input", 3, "content", 0], accepts: [] },
  { path: ["input", 3, "content", 0, "text"], accepts: ["string"] },
  { path: ["input", 4, "content"], accepts: ["string", "array"] },
  { path: ["tools"], accepts: ["array", "null"] },
  { path: ["tools", 0], accepts: [] },
  // Any other type is a hosted tool (OpenAI adds new ones): dropped while tool_choice leaves it optional.
  { path: ["tools", 0, "type"], accepts: ["string"] },
  { path: ["tools", 0, "name"], accepts: ["string"] },
  { path: ["tools", 0, "parameters"], accepts: ["object", "null"] },
  { path: ["tool_choice"], accepts: ["null"] },
  { path: ["parallel_tool_calls"], accepts: ["boolean", "null"] },
  { path: ["max_output_tokens"], accepts: ["integer", "null"] },
  { path: ["temperature"], accepts: ["number", "null"] },
  { path: ["top_p"], accepts: ["number", "null"] },
  { path: ["text"], accepts: ["object", "null"] },
  { path: ["text", "format"], accepts: [] },
  { path: ["text", "format", "type"], accepts: [] },
  { path: ["store"], accepts: ["boolean", "null"] },
  { path: ["metadata"], accepts: ["object", "null"] },
  { path: ["metadata", "session"], accepts: ["string"] },
  { path: ["user"], accepts: ["string", "null"] },
  { path: ["truncation"], accepts: ["null"] },
  { path: ["include"], accepts: ["array", "null"] },
  { path: ["include", 0], accepts: ["string"] },
  { path: ["stream"], accepts: ["boolean", "null"] },
  { path: ["reasoning"], accepts: ["object", "null"] },
  { path: ["max_tool_calls"], accepts: ["integer", "null"] },
];

const required = [
  ["model"],
  ["input"],
  ["input", 0, "role"],
  ["input", 0, "content"],
  ["input", 0, "content", 0, "type"],
  ["input", 0, "content", 0, "text"],
  ["input", 1, "call_id"],
  ["input", 1, "name"],
  ["input", 1, "arguments"],
  ["input", 2, "call_id"],
  ["input", 2, "output"],
  ["input", 3, "content"],
  ["input", 3, "content", 0, "text"],
  ["input", 4, "content"],
  ["tools", 0, "type"],
  ["tools", 0, "name"],
  ["text", "format", "type"],
];

/** Values of the right type that the door (or the Responses API) refuses. */
function badValues(): MalformedRequest[] {
  const controlCharacters = [0, 1, 9, 10, 13, 27, 0x7f, 0x85];
  return [
    ...["bot", "User", "", "tool", "function", "model"].map((role) => post(`role ${JSON.stringify(role)}`, set(["input", 4, "role"], role))),
    ...["msg", "", "function", "file_search_call", "computer_call_output", "item_reference"].map((type) => post(`an item of type ${JSON.stringify(type)}`, set(["input", 2, "type"], type))),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in the model name`, set(["model"], `gpt-4o${String.fromCharCode(code)}-mini`))),
    ...controlCharacters.map((code) => post(`U+${code.toString(16).padStart(4, "0")} in a provider-prefixed model name`, set(["model"], `openai:gpt-4o${String.fromCharCode(code)}mini`))),
    ...["", " ", "\t"].map((model) => post(`model ${JSON.stringify(model)}`, set(["model"], model))),
    ...[257, 300_000, 1_000_000].flatMap((length) => [
      post(`a model name of ${length} characters`, set(["model"], "m".repeat(length))),
      post(`a provider-prefixed model name of ${length} characters`, set(["model"], `openai:${"m".repeat(length)}`)),
    ]),
    post("no input items", set(["input"], [])),
    post("a user message of parts, none", set(["input", 0, "content"], [])),
    post("a user message of empty text", set(["input", 4, "content"], "")),
    post("only an empty user message", set(["input"], "")),
    post("a content part of an unknown type", set(["input", 0, "content", 0, "type"], "input_video")),
    post("an image part without a URL", set(["input", 0, "content", 0], { type: "input_image", file_id: "file_1" })),
    post("a file part without data", set(["input", 0, "content", 0], { type: "input_file", file_url: "https://example.invalid/a.pdf" })),
    post("an assistant part of type input_image", set(["input", 3, "content", 0], { type: "input_image", image_url: "data:image/png;base64,AA==" })),
    post("an empty call_id", set(["input", 1, "call_id"], "")),
    post("an empty function name in a call", set(["input", 1, "name"], "")),
    post("an empty call_id in an output", set(["input", 2, "call_id"], "")),
    post("a tool without a name", set(["tools", 0, "name"], "")),
    post("a namespace tool without a name", set(["tools", 0], { type: "namespace", tools: [] })),
    post("a namespace holding a hosted tool", set(["tools", 0], { type: "namespace", name: "ns", tools: [{ type: "web_search" }] })),
    ...["sometimes", "any", ""].map((choice) => post(`tool_choice ${JSON.stringify(choice)}`, set(["tool_choice"], choice))),
    post("tool_choice naming a tool not offered", set(["tool_choice"], { type: "function", name: "write_file" })),
    post("tool_choice forcing a hosted tool", set(["tool_choice"], { type: "web_search" })),
    ...[0, -1, 1.5].map((value) => post(`max_output_tokens ${value}`, set(["max_output_tokens"], value))),
    ...[-0.1, 2.1, 100].map((value) => post(`temperature ${value}`, set(["temperature"], value))),
    ...[-0.5, 1.5].map((value) => post(`top_p ${value}`, set(["top_p"], value))),
    ...["xml", "json", ""].map((type) => post(`text.format ${JSON.stringify(type)}`, set(["text", "format"], { type }))),
    post("text.format json_schema without a name", set(["text", "format"], { type: "json_schema", schema: {} })),
    post("text.format json_schema without a schema", set(["text", "format"], { type: "json_schema", name: "x" })),
    post("reasoning effort unknown", set(["reasoning"], { effort: "extreme" })),
    post("reasoning summary unknown", set(["reasoning"], { summary: "verbose" })),
    post("truncation unknown", set(["truncation"], "sometimes")),
    post("a metadata value that is a number", set(["metadata", "session"], 1)),
    post("previous_response_id", set(["previous_response_id"], "resp_1")),
    post("a conversation", set(["conversation"], { id: "conv_1" })),
    post("background", set(["background"], true)),
    post("a stored prompt", set(["prompt"], { id: "pmpt_1" })),
  ];
}

export const responsesCorpus: DoorCorpus = {
  door: "responses",
  generate: ({ maxBodyBytes }) => [
    ...wrongTypes(path, base, fields),
    ...missingFields(path, base, required),
    ...badValues(),
    ...badJson(path, baseText, 3),
    ...notAnObject(path),
    ...badUtf8(path, baseText),
    ...loneSurrogates(path, base, [["model"]]),
    ...badNames(path, base, [["tools", 0, "name"], ["input", 1, "name"], ["input", 1, "call_id"], ["input", 2, "call_id"]]),
    ...deepNesting(path, base, [["metadata_deep"], ["tools", 0, "parameters", "properties"], ["x_unknown"], ["input", 0, "content", 0, "extra"]]),
    ...oversized(path, base, ["input", 4, "content"], maxBodyBytes),
    ...wrongContentTypes(path, baseText),
    ...misleadingHeaders(path, baseText),
    ...wrongRoutes([{ method: "POST", path }], ["/v1/responses/resp_1", "/v1/responses/resp_1/cancel", "/v1/responses/resp_1/input_items", "/v1/responses/%00", "/v1/responses/" + "x".repeat(10_000)]),
  ],
  valid: () => post("the valid base request", base),
  normal: () => post("a normal request", { model: "gpt-4o-mini", input: "Hello" }),
  shapeProblem: openaiErrorShapeProblem,
};
