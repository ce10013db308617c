import type { ChunkError } from "../../chat/chunks";
import type { ProxyErrorOptions } from "../../errors";
import type { ClaudeCliRateLimit } from "../../stream-transformers/claude-cli-results";

/**
 * Why a run failed before its first chunk, as the error the router sees. All of them let it try
 * another model, but two hold for more than this model:
 * - an exhausted usage limit pauses the CLI until the reset the CLI named: every model for the
 *   session and weekly limits, only this one for a per-model weekly limit;
 * - a failed login pauses every model of the CLI (for the breaker's cool-down): trying its other
 *   models would fail the same way.
 */
export interface FirstFailure {
  status: number;
  message: string;
  options: ProxyErrorOptions;
}

/** Limits that bind one model family rather than the whole subscription. */
const perModelLimits = new Set(["seven_day_opus", "seven_day_sonnet"]);

export function describeFirstFailure(error: ChunkError | undefined, idleMessage: string | undefined, rateLimit: ClaudeCliRateLimit | undefined): FirstFailure {
  if (idleMessage !== undefined) return { status: 504, message: idleMessage, options: { type: "timeout_error", code: "upstream_timeout", retryable: true } };
  if (!error) return { status: 502, message: "The Claude CLI ended without output.", options: { type: "upstream_error", code: "claude_cli_exit", retryable: true } };
  if (error.code === "claude_cli_usage_limit") {
    const refused = rateLimit?.status === "rejected" ? rateLimit : undefined;
    const until = refused?.resetsAt;
    const message = until === undefined ? error.message : `${error.message} (the limit resets at ${new Date(until).toISOString()})`;
    return {
      status: 429,
      message,
      options: {
        type: "rate_limit_error",
        code: error.code,
        retryable: true,
        // A 429 without the subscription's limit report is an ordinary rate limit of this model.
        providerWide: refused !== undefined && !(refused.limitType && perModelLimits.has(refused.limitType)),
        retryAt: until,
      },
    };
  }
  if (error.code === "claude_cli_auth") {
    return {
      status: 502,
      message: `${error.message} The Claude CLI is not logged in (or its login expired): run \`claude\` and /login.`,
      options: { type: "upstream_error", code: error.code, retryable: true, providerWide: true },
    };
  }
  return { status: 502, message: error.message, options: { type: "upstream_error", code: error.code, retryable: true } };
}
