import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import type { AnthropicModelRules } from "./anthropic-model-rules";

/**
 * temperature / top_p / top_k as far as the model takes them (its rules row), each drop or change
 * with a log line; nothing is sent that the client did not send.
 * - A model that takes none of them (Claude 5.x answers a non-default value with a 400): all dropped.
 * - With manual extended thinking on: temperature and top_k dropped, top_p kept only from 0.95 to 1.
 * - temperature above Anthropic's 1.0 is lowered to 1.0.
 * - A model that takes temperature or top_p but not both (Claude 4.5): top_p dropped when both remain.
 */
export interface AnthropicSampling {
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export interface SamplingContext {
  model: string;
  rules: AnthropicModelRules;
  thinking: boolean;
}

export function toAnthropicSampling(request: ChatRequest, { model, rules, thinking }: SamplingContext, logger: Logger): AnthropicSampling {
  const topK = typeof request.top_k === "number" ? request.top_k : undefined;
  if (rules.sampling === "none") {
    const sent = Object.entries({ temperature: request.temperature, top_p: request.top_p, top_k: topK }).filter(([, value]) => value != null);
    if (sent.length > 0) logger.debug(`dropped sampling parameters: ${rules.family} does not take them`, { model, dropped: sent.map(([name]) => name) });
    return {};
  }
  const sampling: AnthropicSampling = {};
  if (request.temperature != null) {
    if (thinking) logger.debug("dropped temperature: Anthropic does not allow it with extended thinking", { model });
    else if (request.temperature > 1) {
      logger.debug("lowered temperature to Anthropic's maximum of 1", { model, requested: request.temperature });
      sampling.temperature = 1;
    } else sampling.temperature = request.temperature;
  }
  if (request.top_p != null) {
    if (thinking && request.top_p < 0.95) logger.debug("dropped top_p: with extended thinking Anthropic takes only 0.95 to 1", { model });
    else sampling.top_p = request.top_p;
  }
  if (topK !== undefined) {
    if (thinking) logger.debug("dropped top_k: Anthropic does not allow it with extended thinking", { model });
    else sampling.top_k = topK;
  }
  if (rules.sampling === "temperature-or-top-p" && sampling.temperature !== undefined && sampling.top_p !== undefined) {
    logger.debug(`dropped top_p: ${rules.family} takes temperature or top_p, not both`, { model });
    delete sampling.top_p;
  }
  return sampling;
}
