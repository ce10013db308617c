import type { Logger } from "../logger";

/**
 * The output limit a client asked for, lowered to the serving model's maximum output (the catalog's
 * `maxOutput`) with a debug line. A client sizes `max_tokens` for the model it named: Claude Code
 * sends 128000 for an Opus model, which a request routed to a model with a 16K limit would have
 * refused with a 400. Undefined when the client set no limit.
 */
export function withinOutputLimit(requested: number | null | undefined, maxOutput: number | undefined, model: string, logger: Logger): number | undefined {
  if (requested == null) return undefined;
  if (maxOutput === undefined || requested <= maxOutput) return requested;
  logger.debug("lowered max_tokens to the model's maximum output", { model, requested, maxOutput });
  return maxOutput;
}
