import type { MessageCreateParamsBase, OutputConfig, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import { anthropicModelRules } from "./anthropic-model-rules";
import { toAnthropicMessages } from "./to-anthropic-messages";
import { toAnthropicSampling } from "./to-anthropic-sampling";
import { toAnthropicThinking } from "./to-anthropic-thinking";
import { toAnthropicTools } from "./to-anthropic-tools";

/**
 * The Messages API body for one chat request (without `stream`, which the provider sets).
 * What a model accepts (thinking style, sampling parameters, forced tool use) comes from its row in
 * anthropic-model-rules.ts; the parts are translated in to-anthropic-{messages,tools,thinking,sampling}.
 * - `max_tokens` is required by Anthropic: the client's max_completion_tokens / max_tokens
 *   (lowered to the model's maximum output, with a log line), else the model's maximum output
 *   from the catalog, else DEFAULT_MAX_TOKENS — the same "up to the model's limit" an OpenAI
 *   client gets when it sends none.
 * - response_format json_schema → `output_config.format` (Anthropic structured outputs);
 *   json_object, which has no Anthropic equivalent, → a system instruction to answer with one
 *   JSON object only (and json_schema too, for a model without structured outputs).
 *   reasoning_effort on an adaptive-thinking model → `output_config.effort`.
 * - `user` → `metadata.user_id`; OpenAI-only parameters (penalties, seed, logprobs, ...) are
 *   dropped with a log line.
 * - What the request carries for Anthropic only (`anthropic`, chat/anthropic-options.ts): its
 *   top-level fields (`context_management`, `container`, …) are sent as they are, its
 *   `output_config` keys beside the effort and format computed here; the beta header is the
 *   provider's (`anthropicBetas`).
 */
export const DEFAULT_MAX_TOKENS = 8192;
export const JSON_OBJECT_INSTRUCTION = "Respond with a single valid JSON object and nothing else: no prose, no Markdown code fences.";

export interface AnthropicModelTraits {
  /** The model's maximum output tokens (catalog `maxOutput`). */
  maxOutput?: number;
  /** Extended thinking (catalog `capabilities.reasoning`). */
  reasoning: boolean;
  /** Structured outputs (catalog `capabilities.json`). */
  structuredOutputs: boolean;
}

/**
 * SDK 1.14 no longer types the sampling parameters (Claude 5.x rejects them); the older models
 * still take them (see anthropic-model-rules.ts), and the SDK sends the body as given.
 */
export type AnthropicRequestBody = Omit<MessageCreateParamsBase, "stream"> & { temperature?: number; top_p?: number; top_k?: number };

const openAIOnly = ["presence_penalty", "frequency_penalty", "seed", "logprobs", "top_logprobs", "logit_bias", "store", "service_tier", "prediction", "modalities", "audio", "web_search_options", "metadata"] as const;

function maxTokens(request: ChatRequest, model: string, traits: AnthropicModelTraits, logger: Logger): number {
  const requested = request.max_completion_tokens ?? request.max_tokens;
  if (requested == null) return traits.maxOutput ?? DEFAULT_MAX_TOKENS;
  if (traits.maxOutput !== undefined && requested > traits.maxOutput) {
    logger.debug("lowered max_tokens to the model's maximum output", { model, requested, maxOutput: traits.maxOutput });
    return traits.maxOutput;
  }
  return requested;
}

function responseFormat(request: ChatRequest, traits: AnthropicModelTraits): { instruction?: string; outputConfig?: OutputConfig } {
  const format = request.response_format;
  if (!format || format.type === "text") return {};
  if (format.type === "json_schema" && format.json_schema.schema && traits.structuredOutputs) {
    return { outputConfig: { format: { type: "json_schema", schema: format.json_schema.schema } } };
  }
  return { instruction: JSON_OBJECT_INSTRUCTION };
}

export function toAnthropicRequest(request: ChatRequest, model: string, traits: AnthropicModelTraits, logger: Logger): AnthropicRequestBody {
  const rules = anthropicModelRules(model);
  const conversation = toAnthropicMessages(request.messages, logger, request.anthropic?.system_turns === true);
  const tools = toAnthropicTools(request, { model, rules }, logger);
  const limit = maxTokens(request, model, traits, logger);
  const body: AnthropicRequestBody = { model, max_tokens: limit, messages: conversation.messages, ...tools };

  const { instruction, outputConfig } = responseFormat(request, traits);
  const system: TextBlockParam[] = [...conversation.system];
  if (instruction) system.push({ type: "text", text: instruction });
  if (!instruction && conversation.systemText !== undefined) body.system = conversation.systemText;
  else if (system.length > 0) body.system = system;

  const thinkingContext = { model, rules, maxTokens: limit, modelCanThink: traits.reasoning, toolChoice: tools.tool_choice, messages: conversation.messages };
  const { thinking, effort } = toAnthropicThinking(request, thinkingContext, logger);
  if (thinking) body.thinking = thinking;
  if (outputConfig || effort) body.output_config = { ...outputConfig, ...(effort ? { effort } : {}) };

  const thinkingOn = thinking?.type === "enabled" || thinking?.type === "adaptive";
  Object.assign(body, toAnthropicSampling(request, { model, rules, thinking: thinkingOn }, logger));

  const stops = request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
  const usableStops = stops.filter((stop) => stop.trim() !== "");
  if (usableStops.length < stops.length) logger.debug("dropped whitespace-only stop sequences: Anthropic rejects them", { model });
  if (usableStops.length > 0) body.stop_sequences = usableStops;

  if (request.user) body.metadata = { user_id: request.user };
  const dropped = openAIOnly.filter((field) => request[field] != null);
  if (dropped.length > 0) logger.debug("dropped parameters Anthropic does not take", { model, dropped });
  return withAnthropicFields(body, request.anthropic?.fields);
}

/** The Anthropic request's own top-level fields, as the client sent them; `output_config` keys join the computed ones. */
function withAnthropicFields(body: AnthropicRequestBody, fields: Record<string, unknown> | undefined): AnthropicRequestBody {
  if (!fields) return body;
  const { output_config: outputConfig, ...rest } = fields;
  const merged: AnthropicRequestBody = { ...body, ...rest };
  if (outputConfig && typeof outputConfig === "object") merged.output_config = { ...(outputConfig as OutputConfig), ...body.output_config };
  return merged;
}
