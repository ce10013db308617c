import type { GenerateContentConfig, GenerateContentParameters } from "@google/genai";
import { anthropicOptionNames } from "../../chat/anthropic-options";
import { withinOutputLimit } from "../../chat/output-limit";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import { geminiModelRules } from "./gemini-model-rules";
import { mapReasoningEffort } from "./map-reasoning-effort";
import { toGeminiContents } from "./to-gemini-contents";
import { toGeminiSampling } from "./to-gemini-sampling";
import { toGeminiToolConfig, toGeminiTools, withoutMetaKeywords } from "./to-gemini-tools";

/**
 * A chat-completions request as `generateContent` parameters. Only what the client sent is
 * translated; OpenAI fields Gemini has no equivalent for, and those the model cannot take (its
 * row in gemini-model-rules.ts), are dropped with a debug line.
 */
export interface GeminiRequestOptions {
  logger: Logger;
  /** The model's maximum output tokens (catalog): a larger client limit is lowered to it. */
  maxOutput?: number;
  signatureFor(toolCallId: string): string | undefined;
}

const untranslatable = ["parallel_tool_calls", "logprobs", "top_logprobs", "logit_bias", "service_tier", "prediction", "modalities", "audio"];

export function toGeminiRequest(request: ChatRequest, model: string, options: GeminiRequestOptions): GenerateContentParameters {
  const rules = geminiModelRules(model);
  const { systemInstruction, contents } = toGeminiContents(request.messages, { model, logger: options.logger, signatureFor: options.signatureFor });
  const config: GenerateContentConfig = {};
  if (systemInstruction) config.systemInstruction = systemInstruction;

  const tools = toGeminiTools(request.tools);
  if (tools) config.tools = tools;
  // Gemini refuses a function-calling config without function declarations (a 400), and without
  // tools a tool_choice means nothing.
  const toolConfig = tools ? toGeminiToolConfig(request.tool_choice) : undefined;
  if (toolConfig) config.toolConfig = toolConfig;

  const maxTokens = withinOutputLimit(request.max_completion_tokens ?? request.max_tokens, options.maxOutput, model, options.logger);
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  Object.assign(config, toGeminiSampling(request, model, rules, options.logger));
  if (request.stop != null) config.stopSequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  if (request.seed != null) config.seed = request.seed;

  const format = request.response_format;
  if (format?.type === "json_object") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") {
    config.responseMimeType = "application/json";
    if (format.json_schema.schema) config.responseJsonSchema = withoutMetaKeywords(format.json_schema.schema);
  }

  const thinking = mapReasoningEffort((request as Record<string, unknown>).reasoning_effort, model, rules, options.logger);
  if (thinking) config.thinkingConfig = thinking;

  const dropped = [...untranslatable.filter((field) => (request as Record<string, unknown>)[field] != null), ...anthropicOptionNames(request.anthropic)];
  if (dropped.length > 0) options.logger.debug("dropped fields Gemini has no equivalent for", { model, fields: dropped });

  return { model, contents, config };
}
