import { type ReasoningEffort, isReasoningEffort, reasoningEfforts } from "../../chat/reasoning-effort";
import type { Logger } from "../../logger";
import type { ModelWireRules } from "./model-wire-rules";

/** Sampling parameters reasoning models answer with a 400 ("Unsupported parameter"). */
export const samplingParameters = ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias"] as const;

/**
 * Adjusts an upstream chat-completions body (in place) to what the model's row says it takes:
 * an effort it does not accept becomes the nearest one it does; a model that takes function tools
 * only without reasoning gets `reasoning_effort: "none"` when the client sent tools and no effort
 * (the request would be a 400 otherwise); parameters it cannot take are dropped. Every change is
 * logged; nothing else is added.
 */
export function applyWireRules(body: Record<string, unknown>, rules: ModelWireRules, logger: Logger): void {
  const model = body.model;
  if (rules.efforts === null) {
    if (body.reasoning_effort != null) {
      delete body.reasoning_effort;
      logger.info("dropped parameters the model does not take", { model, family: rules.family, dropped: ["reasoning_effort"] });
    }
  } else {
    mapEffort(body, rules.efforts, rules, logger);
  }

  if (hasFunctionTools(body) && rules.functionTools !== "always") {
    if (rules.functionTools === "effort-none" && body.reasoning_effort == null && rules.defaultEffort !== "none") {
      body.reasoning_effort = "none";
      logger.info("set reasoning_effort to none: the model takes function tools on chat completions only without reasoning", { model, family: rules.family });
    } else if (rules.functionTools === "never" || (body.reasoning_effort != null && body.reasoning_effort !== "none")) {
      logger.warn("the model rejects function tools on chat completions with this request; the upstream will answer 400", {
        model,
        family: rules.family,
        reasoningEffort: body.reasoning_effort ?? null,
      });
    }
  }

  const samplingAllowed = rules.sampling === "always" || (rules.sampling === "effort-none" && body.reasoning_effort === "none");
  if (!samplingAllowed) {
    const dropped = samplingParameters.filter((field) => body[field] != null);
    for (const field of dropped) delete body[field];
    if (dropped.length > 0) logger.info("dropped parameters the model does not take", { model, family: rules.family, dropped });
  }
}

function hasFunctionTools(body: Record<string, unknown>): boolean {
  return (Array.isArray(body.tools) && body.tools.length > 0) || (Array.isArray(body.functions) && body.functions.length > 0);
}

function mapEffort(body: Record<string, unknown>, accepted: readonly ReasoningEffort[], rules: ModelWireRules, logger: Logger): void {
  const requested = body.reasoning_effort;
  if (requested == null || (isReasoningEffort(requested) && accepted.includes(requested))) return;
  const nearest = typeof requested === "string" ? nearestEffort(requested, accepted) : undefined;
  if (nearest === undefined) {
    delete body.reasoning_effort;
    logger.info("dropped a reasoning_effort the model does not know", { model: body.model, family: rules.family, requested });
    return;
  }
  body.reasoning_effort = nearest;
  logger.info("mapped reasoning_effort to the nearest value the model accepts", { model: body.model, family: rules.family, requested, sent: nearest });
}

/** The accepted effort closest on the scale; on a tie the stronger one. Undefined for an unknown value. */
export function nearestEffort(requested: string, accepted: readonly ReasoningEffort[]): ReasoningEffort | undefined {
  if (!isReasoningEffort(requested) || accepted.length === 0) return undefined;
  const position = reasoningEfforts.indexOf(requested);
  let best: ReasoningEffort | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const effort of accepted) {
    const distance = Math.abs(reasoningEfforts.indexOf(effort) - position);
    const stronger = best !== undefined && reasoningEfforts.indexOf(effort) > reasoningEfforts.indexOf(best);
    if (distance < bestDistance || (distance === bestDistance && stronger)) {
      best = effort;
      bestDistance = distance;
    }
  }
  return best;
}
