import { z } from "zod";
import { cacheControlSchema } from "../../chat/cache-control";
import { nameSchema } from "../../chat/name-schema";
import { modelNameSchema } from "../../chat/request-schema";
import { thinkingSettingsSchema } from "../../chat/thinking-settings";
import { withKnownFields } from "../with-known-fields";
import { knownAnthropicMessages } from "./known-messages";
import { knownAnthropicTools } from "./known-tools";

/**
 * The Anthropic Messages request (`POST /v1/messages`, and `/v1/messages/count_tokens` without
 * `max_tokens`) as the door accepts it: everything Claude Code and `@anthropic-ai/sdk` send. Known
 * fields are checked by type; objects are loose, so newer keys reach the Anthropic provider; a
 * content block of a type the Messages API does not have is a 400 naming it. Shapes follow the
 * SDK 1.14 request types.
 */
const cacheControl = cacheControlSchema.nullish();

const textBlock = z.looseObject({ type: z.literal("text"), text: z.string(), cache_control: cacheControl, citations: z.array(z.unknown()).nullish() });

/** The image types the Messages API takes. */
const imageMediaType = z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const imageSource = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("base64"), media_type: imageMediaType, data: z.string() }),
  z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
  z.looseObject({ type: z.literal("file"), file_id: z.string().min(1) }),
]);
const imageBlock = z.looseObject({ type: z.literal("image"), source: imageSource, cache_control: cacheControl });

const documentSource = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal("text"), media_type: z.string().min(1), data: z.string() }),
  z.looseObject({ type: z.literal("url"), url: z.string().min(1) }),
  z.looseObject({ type: z.literal("content"), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }),
  z.looseObject({ type: z.literal("file"), file_id: z.string().min(1) }),
]);
const documentBlock = z.looseObject({
  type: z.literal("document"),
  source: documentSource,
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.looseObject({ enabled: z.boolean().optional() }).nullish(),
  cache_control: cacheControl,
});

/** Blocks Anthropic's servers produce or consume themselves (server tools, containers): accepted, kept for Anthropic only. */
export const serverBlockTypes = [
  "server_tool_use",
  "web_search_tool_result",
  "web_fetch_tool_result",
  "code_execution_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "tool_search_tool_result",
  "container_upload",
  "search_result",
  "tool_reference",
] as const;
const serverBlock = z.looseObject({ type: z.enum(serverBlockTypes) });

const toolResultContent = z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock, serverBlock]))]);
const toolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: nameSchema(),
  content: toolResultContent.optional(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
});
const toolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: nameSchema(),
  name: nameSchema(),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
/**
 * Anthropic's API refuses a cache mark on a thinking block, null included (400 "messages.1.content.0.thinking.cache_control:
 * Extra inputs are not permitted"; its prompt-caching guide: thinking blocks cannot be marked, they are cached with the
 * turn's other content): refused here too, not dropped, whichever provider the request would go to.
 */
const noCacheMark = z.never({ error: "Extra inputs are not permitted (a thinking block cannot carry a cache mark; mark a later block of the turn)" }).optional();
const thinkingBlock = z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string(), cache_control: noCacheMark });
const redactedThinkingBlock = z.looseObject({ type: z.literal("redacted_thinking"), data: z.string(), cache_control: noCacheMark });

const contentBlock = z.discriminatedUnion("type", [textBlock, imageBlock, documentBlock, toolResultBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock, serverBlock]);

/** The Messages API refuses a user turn without content ("all messages must have non-empty content"): refused before spending a call. */
const userContent = z.union([z.string().min(1), z.array(contentBlock).min(1)], { error: "must be a non-empty string or a non-empty array of content blocks" });

export const anthropicTurnSchema = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("user"), content: userContent }),
  z.looseObject({ role: z.literal("assistant"), content: z.union([z.string(), z.array(contentBlock)]) }),
  // Claude Code puts system turns among the messages; the Messages API takes text there.
  z.looseObject({ role: z.literal("system"), content: z.union([z.string(), z.array(textBlock)]) }),
]);

/** A tool the client runs (`type` absent or "custom"), or one Anthropic runs (any other `type`). */
const customTool = z.looseObject({
  type: z.literal("custom").nullish(),
  name: nameSchema(),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal("object") }),
  cache_control: cacheControl,
  strict: z.boolean().optional(),
});
const serverTool = z.looseObject({ type: z.string().min(1).refine((type) => type !== "custom"), name: nameSchema() });
export const anthropicToolSchema = z.union([customTool, serverTool]);

const toolChoice = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("tool"), name: nameSchema(), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("none") }),
]);

export const effortSchema = z.enum(["low", "medium", "high", "xhigh", "max"]);

const outputConfig = z.looseObject({
  effort: effortSchema.nullish(),
  format: z.looseObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

/** count_tokens takes the same body; `max_tokens` and the sampling fields are then ignored. */
export const countTokensSchema = z.looseObject({
  model: modelNameSchema,
  messages: z.array(anthropicTurnSchema).min(1, "messages must contain at least one message"),
  system: z.union([z.string(), z.array(textBlock)]).nullish(),
  tools: z.array(anthropicToolSchema).nullish(),
  tool_choice: toolChoice.nullish(),
  thinking: thinkingSettingsSchema.nullish(),
  output_config: outputConfig.nullish(),
  max_tokens: z.number().int().positive().optional(),
  stream: z.boolean().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
});

export const messagesSchema = countTokensSchema.extend({ max_tokens: z.number().int().positive() });

export type MessagesRequest = z.infer<typeof messagesSchema>;
export type CountTokensRequest = z.infer<typeof countTokensSchema>;
export type AnthropicMessage = MessagesRequest["messages"][number];
export type ContentBlock = z.infer<typeof contentBlock>;
export type TextBlock = z.infer<typeof textBlock>;
export type ToolResultContent = z.infer<typeof toolResultContent>;
export type AnthropicTool = z.infer<typeof anthropicToolSchema>;
export type AnthropicToolChoice = z.infer<typeof toolChoice>;

const knownFields = {
  messages: (messages: unknown) => knownAnthropicMessages(messages, anthropicTurnSchema),
  tools: (tools: unknown) => knownAnthropicTools(tools, anthropicToolSchema),
  placeholderTurns: [{ role: "user", content: "." }],
};
/** The door's checks: the schemas' output and errors, the common turns and tools built without zod. */
export const parseMessagesRequest = withKnownFields(messagesSchema, knownFields);
export const parseCountTokensRequest = withKnownFields(countTokensSchema, knownFields);
