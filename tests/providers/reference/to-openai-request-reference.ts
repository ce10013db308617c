// toOpenAIRequest before it made one copy of the request instead of two: the reference the tuned one is compared with (tests/providers/request-building.test.ts).
import { withinOutputLimit } from "../../../src/chat/output-limit";
import type { ChatRequest } from "../../../src/chat/request-schema";
import type { Logger } from "../../../src/logger";
import type { OpenAIRequestOptions } from "../../../src/providers/openai-compatible/to-openai-request";
import { applyWireRules, samplingParameters } from "../../../src/providers/openai-compatible/apply-wire-rules";
import { boundedUser } from "../../../src/providers/openai-compatible/bounded-user";
import { applyOpenAIToolKinds } from "../../../src/providers/openai-compatible/openai-tool-kinds";
import { withEmptyToolResultsAsText } from "../../../src/providers/openai-compatible/empty-tool-results";
import { withoutToolFieldsWhenNoTools } from "../../../src/providers/openai-compatible/tool-fields-without-tools";
import { toolMediaAsUserTurn } from "../../../src/providers/openai-compatible/tool-media-as-user-turn";
import { withoutExtensions } from "../../../src/providers/openai-compatible/without-extensions";

const MAX_OPENAI_STOP_SEQUENCES = 4;

/**
 * The upstream body for an OpenAI-wire provider: the client's request, with the routed model,
 * usage always requested on streams, and the few fields an upstream would reject adjusted.
 * Vendor fields the client sent are passed on; nothing the client did not send is invented, except
 * where a model's rules row makes a value a condition of the request working (apply-wire-rules.ts).
 * The proxy's own request extensions are left out where they mean nothing (without-extensions.ts).
 */
export function toOpenAIRequestReference(request: ChatRequest, model: string, options: OpenAIRequestOptions, logger: Logger): Record<string, unknown> {
  const { stream_options: streamOptions, max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens, ...rest } = withoutExtensions(request, options.strictFields === true, model, logger);
  const body: Record<string, unknown> = { ...rest, model, messages: toolMediaAsUserTurn(withEmptyToolResultsAsText(rest.messages), model, logger) };
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
