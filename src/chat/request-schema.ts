import { z } from "zod";
import { fitsInLength } from "./bounded-length";
import { hasNoControlCharacters } from "./control-characters";
import { nameSchema } from "./name-schema";
import { anthropicOptionsSchema, anthropicToolOptionsSchema } from "./anthropic-options";
import { openaiToolsSchema } from "./openai-tools";
import { reasoningDetailsSchema } from "./reasoning-details";

/**
 * The chat-completions request as the proxy accepts it: strict about what matters (messages,
 * roles, numeric ranges, tool shapes), tolerant of what real clients send (content as "", [] or
 * null on assistant turns that only carry tool_calls; vendor fields such as `user`, `metadata`,
 * `parallel_tool_calls`, `reasoning_effort` or unknown ones are kept and passed on, never a 400).
 * An assistant turn may carry back its `reasoning_content` and, typed, the `reasoning_details` an
 * answer of the proxy gave it (reasoning-details.ts). Declared extensions beside those: `anthropic`
 * (anthropic-options.ts) on the request and on tools, `openai_tools` (openai-tools.ts), the Anthropic-form `thinking` settings read
 * through thinking-settings.ts, and `cache_control` marks read through cache-control.ts.
 */

const contentPart = z.looseObject({ type: z.string().min(1) });
const content = z.union([z.string(), z.array(contentPart)]).nullish();
/** A user or system turn without content is refused by every upstream: refuse it before spending a call. */
const requiredContent = z.union([z.string(), z.array(contentPart).min(1)], { error: "must be a string or a non-empty array of content parts" });
/** A tool result may be empty ("" or []), but must be there. */
const toolContent = z.union([z.string(), z.array(contentPart)], { error: "must be a string or an array of content parts" });

/** Longer names are no model's; bounding them keeps the "did you mean" search and the log row small. */
export const MAX_MODEL_NAME_LENGTH = 256;
export const modelNameSchema = z
  .string()
  .trim()
  .min(1, "model is required")
  .refine((name) => fitsInLength(name, MAX_MODEL_NAME_LENGTH), `must be at most ${MAX_MODEL_NAME_LENGTH} characters`)
  // A NUL or a newline in a name can only break a URL, a header or a database row downstream.
  .refine(hasNoControlCharacters, "must not contain control characters");

const toolCall = z.looseObject({
  id: nameSchema(0),
  type: z.literal("function").default("function"),
  function: z.looseObject({ name: nameSchema(), arguments: z.string().default("") }),
  /** The call was OpenAI's `{type: "custom", custom: {name, input}}`, carried as a function call whose arguments are the input (openai-tools.ts). */
  openai_custom: z.literal(true).optional(),
});

const message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.enum(["system", "developer"]), content: requiredContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("user"), content: requiredContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal("assistant"),
    // OpenAI rejects empty arrays ("expected an array with minimum length 1"): a tool-call-only
    // turn sent with `content: []` means no content, and `tool_calls: []` means no calls.
    content: content.transform((value) => (Array.isArray(value) && value.length === 0 ? null : value)),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).nullish().transform((calls) => (calls?.length === 0 ? undefined : calls)),
    reasoning_content: z.string().nullish(),
    reasoning_details: reasoningDetailsSchema.nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), content: toolContent, tool_call_id: nameSchema() }),
  // Legacy function-calling turn, still sent by some older clients.
  z.looseObject({ role: z.literal("function"), content, name: z.string().min(1) }),
]);

const tool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: nameSchema(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
  anthropic: anthropicToolOptionsSchema.optional(),
});

const toolChoice = z.union(
  [z.enum(["none", "auto", "required"]), z.looseObject({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) })],
  { error: 'must be "none", "auto", "required" or {"type": "function", "function": {"name": …}}' },
);

const responseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

export const chatRequestSchema = z.looseObject({
  model: modelNameSchema,
  messages: z.array(message).min(1, "messages must contain at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.number().int().min(1).max(1, "n > 1 is not supported by the proxy").nullish(),
  // OpenAI's limit: more stop sequences are a 400 upstream, so they are one here, saying why.
  stop: z.union([z.string(), z.array(z.string()).max(4)], { error: "must be a string or an array of at most 4 strings" }).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  user: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  anthropic: anthropicOptionsSchema.optional(),
  openai_tools: openaiToolsSchema.optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];
export type ChatTool = NonNullable<ChatRequest["tools"]>[number];

/** Concatenated text of a message's content, whichever form it came in. */
export function messageText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
