import { withinOutputLimit } from "../../chat/output-limit";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import { applyWireRules, samplingParameters } from "./apply-wire-rules";
import type { ModelWireRules } from "./model-wire-rules";
import { boundedUser } from "./bounded-user";
import { applyOpenAIToolKinds } from "./openai-tool-kinds";
import { withEmptyToolResultsAsText } from "./empty-tool-results";
import { withoutToolFieldsWhenNoTools } from "./tool-fields-without-tools";
import { toolMediaAsUserTurn } from "./tool-media-as-user-turn";
import { withoutExtensions } from "./without-extensions";

const MAX_OPENAI_STOP_SEQUENCES = 4;

export interface OpenAIRequestOptions {
  /** OpenAI proper wants `max_completion_tokens` (its reasoning models reject `max_tokens`); most compatible servers want `max_tokens`. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** What a model takes on the wire (efforts, function tools, sampling); undefined for a model the provider has no row for. */
  modelRules?: (model: string) => ModelWireRules | undefined;
  /** Models without a rules row that reject sampling parameters (OpenAI's o-series and gpt-5 reasoning models). */
  isReasoningModel?: (model: string) => boolean;
  /** The upstream rejects fields OpenAI does not define (OpenAI itself): see without-extensions.ts. */
  strictFields?: boolean;
  /** The upstream takes OpenAI's custom tools and allowed_tools tool_choice (openai-tool-kinds.ts). */
  customTools?: boolean;
  /** The model's maximum output tokens, where the catalog knows it: a larger limit is lowered to it. */
  maxOutput?(model: string): number | undefined;
}

/**
 * The upstream body for an OpenAI-wire provider: the client's request, with the routed model,
 * usage always requested on streams, and the few fields an upstream would reject adjusted.
 * Vendor fields the client sent are passed on; nothing the client did not send is invented, except
 * where a model's rules row makes a value a condition of the request working (apply-wire-rules.ts).
 * The proxy's own request extensions are left out where they mean nothing (without-extensions.ts).
 */
export function toOpenAIRequest(request: ChatRequest, model: string, options: OpenAIRequestOptions, logger: Logger): Record<string, unknown> {
  const cleaned = withoutExtensions(request, options.strictFields === true, model, logger);
  const { stream_options: streamOptions, max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens } = cleaned;
  const messages = toolMediaAsUserTurn(withEmptyToolResultsAsText(cleaned.messages), model, logger);
  // One copy: the rest-spread without those three fields is made only when one of them is there.
  const body: Record<string, unknown> = hasOutputFields(cleaned) ? { ...withoutOutputFields(cleaned), model, messages } : { ...cleaned, model, messages };
  applyOpenAIToolKinds(body, request, options.customTools === true);
  withoutToolFieldsWhenNoTools(body, logger);
  const limit = withinOutputLimit(maxCompletionTokens ?? maxTokens, options.maxOutput?.(model), model, logger);
  if (limit != null) body[options.maxTokensField] = limit;
  if (request.stream) body.stream_options = { ...streamOptions, include_usage: true };
  else delete body.stream;
  // OpenAI takes at most 4 stop sequences; the Messages API (Anthropic door) allows more.
  if (options.strictFields && Array.isArray(body.stop) && body.stop.length > MAX_OPENAI_STOP_SEQUENCES) {
    logger.info("kept the first stop sequences: the upstream takes at most 4", { model, sent: body.stop.length });
    body.stop = body.stop.slice(0, MAX_OPENAI_STOP_SEQUENCES);
  }
  if (typeof body.user === "string") body.user = boundedUser(body.user);
  // OpenAI rejects `metadata` unless `store` is on; clients (Cline, Continue) send it for themselves.
  if (body.metadata !== undefined && body.store !== true) {
    delete body.metadata;
    logger.debug("dropped metadata: upstream accepts it only with store=true", { model });
  }
  const rules = options.modelRules?.(model);
  if (rules) {
    applyWireRules(body, rules, logger);
  } else if (options.isReasoningModel?.(model)) {
    const dropped = samplingParameters.filter((field) => body[field] != null);
    for (const field of dropped) delete body[field];
    if (dropped.length > 0) logger.info("dropped parameters the model does not take", { model, dropped });
  }
  return body;
}

function hasOutputFields(request: ChatRequest): boolean {
  return "stream_options" in request || "max_tokens" in request || "max_completion_tokens" in request;
}

function withoutOutputFields(request: ChatRequest): Omit<ChatRequest, "stream_options" | "max_tokens" | "max_completion_tokens"> {
  const { stream_options: _streamOptions, max_tokens: _maxTokens, max_completion_tokens: _maxCompletionTokens, ...rest } = request;
  return rest;
}
