import type { FinishReason } from "../chat/types";
import { redactSecrets } from "../logger";

/**
 * Reading what the Claude CLI reports about a run, shared by its transformer and its provider.
 * Shapes seen with 2.1.332 against a mock Anthropic API:
 * - an upstream error ends the run with `result` {is_error: true, subtype: "success",
 *   api_error_status, result: "<the CLI's message>"}; with a subscription login an exhausted usage
 *   limit adds `api_error: "usage_limit_reached"` and the message names the reset ("You've hit
 *   your 5-hour limit · resets 11:49am (UTC)"), a lost login is status 401 ("Not logged in ·
 *   Please run /login");
 * - usage-limit state comes in `rate_limit_event` lines ({rate_limit_info: {status: "allowed" |
 *   "allowed_warning" | "rejected", resetsAt: <epoch seconds>, rateLimitType: "five_hour" | …}}),
 *   read from the API's `anthropic-ratelimit-unified-*` headers; the synthetic assistant message
 *   of a refused request carries the same under `api_error_params.rate_limit_info`.
 */
const stopReasons: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "content_filter",
};

/** A stop reason of a run without client tool calls (tool_use with calls is the transformer's `tool_calls`). */
export function mapClaudeCliStopReason(reason: unknown): FinishReason {
  return (typeof reason === "string" && stopReasons[reason]) || "stop";
}

export type ClaudeCliErrorCode = "claude_cli_usage_limit" | "claude_cli_auth" | "claude_cli_error";

interface ResultLine {
  subtype?: unknown;
  result?: unknown;
  errors?: unknown;
  api_error?: unknown;
  api_error_status?: unknown;
}

/** An error `result` line as one message and a code saying what kind of failure it was. */
export function describeClaudeCliError(raw: object): { message: string; code: ClaudeCliErrorCode } {
  const line = raw as ResultLine;
  const subtype = typeof line.subtype === "string" ? line.subtype : "error";
  const status = typeof line.api_error_status === "number" ? line.api_error_status : undefined;
  // An upstream API error arrives as is_error with subtype "success": name only what informs.
  const context = [subtype === "success" ? undefined : subtype, status !== undefined ? `upstream status ${status}` : undefined].filter((part) => part !== undefined).join(", ");
  const detail =
    typeof line.result === "string" && line.result.trim() !== ""
      ? line.result
      : Array.isArray(line.errors) && line.errors.length > 0
        ? line.errors.map(String).join("; ")
        : subtype === "error_max_turns"
          ? "it reached its turn limit"
          : "no details given";
  const message = redactSecrets(`The Claude CLI reported an error${context === "" ? "" : ` (${context})`}: ${detail}`);
  const code: ClaudeCliErrorCode = line.api_error === "usage_limit_reached" || status === 429 ? "claude_cli_usage_limit" : status === 401 ? "claude_cli_auth" : "claude_cli_error";
  return { message, code };
}

export interface ClaudeCliRateLimit {
  status: string;
  /** Epoch milliseconds, when the CLI said. */
  resetsAt: number | undefined;
  /** five_hour, seven_day, seven_day_opus, seven_day_sonnet, overage, …; undefined when not said. */
  limitType: string | undefined;
}

/** The rate-limit state a CLI line carries (a `rate_limit_event`, or a refused request's synthetic message), if any. */
export function readClaudeCliRateLimit(raw: unknown): ClaudeCliRateLimit | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const line = raw as { type?: unknown; rate_limit_info?: unknown; api_error_params?: { rate_limit_info?: unknown } };
  const info = line.type === "rate_limit_event" ? line.rate_limit_info : line.api_error_params?.rate_limit_info;
  if (typeof info !== "object" || info === null) return undefined;
  const { status, resetsAt, rateLimitType } = info as { status?: unknown; resetsAt?: unknown; rateLimitType?: unknown };
  if (typeof status !== "string") return undefined;
  return {
    status,
    resetsAt: typeof resetsAt === "number" && Number.isFinite(resetsAt) ? resetsAt * 1000 : undefined,
    limitType: typeof rateLimitType === "string" ? rateLimitType : undefined,
  };
}
