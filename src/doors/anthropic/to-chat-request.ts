import type { AnthropicOptions } from "../../chat/anthropic-options";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import type { CountTokensRequest } from "./messages-schema";
import { toChatMessages } from "./to-chat-messages";
import { toChatReasoning } from "./to-chat-reasoning";
import { toChatTools } from "./to-chat-tools";

/**
 * An Anthropic Messages request → the internal (chat) request. The parts with a chat equivalent
 * become chat fields (messages, tools, reasoning: to-chat-*.ts; `max_tokens`, `stop_sequences` →
 * `stop`, sampling, `metadata.user_id` → `user`); what only Anthropic understands goes under
 * `anthropic` (anthropic-options.ts): the beta header, system turns, server tools, and every other
 * top-level field (`context_management`, `container`, `service_tier`, …) as it was sent. The Anthropic
 * provider puts all of it back; other providers read the chat fields and leave `anthropic` out.
 */
export interface TranslationContext {
  /** The model name for the pipeline (model-policy.ts). */
  model: string;
  /** The anthropic-beta header's values. */
  betas: string[];
  logger: Logger;
}

/** Fields mapped onto chat fields; every other top-level key goes to `anthropic.fields` unchanged. */
const mappedFields = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "max_tokens",
  "stream",
  "metadata",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
]);

export function toChatRequest(body: CountTokensRequest, context: TranslationContext): ChatRequest {
  const conversation = toChatMessages(body);
  const { serverTools, ...tools } = toChatTools(body.tools, body.tool_choice);
  const reasoning = toChatReasoning(body);
  const request: ChatRequest = { model: context.model, messages: conversation.messages, ...tools, ...reasoning.fields };
  if (body.stream != null) request.stream = body.stream;
  if (body.max_tokens != null) request.max_tokens = body.max_tokens;
  if (body.stop_sequences?.length) request.stop = body.stop_sequences;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.top_p = body.top_p;
  if (body.top_k != null) request.top_k = body.top_k;
  if (body.metadata?.user_id) request.user = body.metadata.user_id;

  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(body).filter(([key, value]) => !mappedFields.has(key) && value !== undefined));
  if (reasoning.outputConfigRest) fields.output_config = reasoning.outputConfigRest;
  const anthropic: AnthropicOptions = {};
  if (context.betas.length > 0) anthropic.betas = context.betas;
  if (conversation.systemTurns) anthropic.system_turns = true;
  if (serverTools.length > 0) anthropic.server_tools = serverTools;
  if (Object.keys(fields).length > 0) anthropic.fields = fields;
  if (Object.keys(anthropic).length > 0) request.anthropic = anthropic;
  return request;
}
