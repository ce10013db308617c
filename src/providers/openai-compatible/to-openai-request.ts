import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";

export interface OpenAIRequestOptions {
  /** OpenAI proper wants `max_completion_tokens` (its reasoning models reject `max_tokens`); most compatible servers want `max_tokens`. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** Models that reject sampling parameters (OpenAI's o-series and gpt-5 reasoning models). */
  isReasoningModel?: (model: string) => boolean;
}

/** Sampling parameters reasoning models answer with a 400 ("Unsupported parameter"). */
const reasoningUnsupported = ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias"] as const;

/**
 * The upstream body for an OpenAI-wire provider: the client's request, with the routed model,
 * usage always requested on streams, and the few fields an upstream would reject adjusted.
 * Vendor fields the client sent are passed on; nothing the client did not send is invented.
 */
export function toOpenAIRequest(request: ChatRequest, model: string, options: OpenAIRequestOptions, logger: Logger): Record<string, unknown> {
  const { stream_options: streamOptions, max_tokens: maxTokens, max_completion_tokens: maxCompletionTokens, ...rest } = request;
  const body: Record<string, unknown> = { ...rest, model };
  const limit = maxCompletionTokens ?? maxTokens;
  if (limit != null) body[options.maxTokensField] = limit;
  if (request.stream) body.stream_options = { ...streamOptions, include_usage: true };
  else delete body.stream;
  // OpenAI rejects `metadata` unless `store` is on; clients (Cline, Continue) send it for themselves.
  if (body.metadata !== undefined && body.store !== true) {
    delete body.metadata;
    logger.debug("dropped metadata: upstream accepts it only with store=true", { model });
  }
  if (options.isReasoningModel?.(model)) {
    const dropped = reasoningUnsupported.filter((field) => body[field] != null);
    for (const field of dropped) delete body[field];
    if (dropped.length > 0) logger.info("dropped parameters the model does not take", { model, dropped });
  }
  return body;
}
