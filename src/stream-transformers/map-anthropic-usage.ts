import type { Usage } from "../chat/types";

/** The usage fields Anthropic reports, on a `Message` or cumulatively on `message_delta`. */
export interface AnthropicUsageCounts {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** Server tool requests so far (`web_search_requests`, `web_fetch_requests`, …). */
  server_tool_use?: object | null;
}

/**
 * Anthropic usage → OpenAI usage. Anthropic's `input_tokens` excludes cached tokens, OpenAI's
 * `prompt_tokens` includes them: prompt = input + cache reads + cache writes, with the two cache
 * counts in `prompt_tokens_details` so the cost function bills each at its own price (once).
 */
export function mapAnthropicUsage(usage: AnthropicUsageCounts): Usage {
  const input = usage.input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const prompt = input + cacheRead + cacheWrite;
  const mapped: Usage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") mapped.completion_tokens_details = { reasoning_tokens: thinking };
  const serverToolUse = serverToolCounts(usage.server_tool_use);
  if (serverToolUse) mapped.server_tool_use = serverToolUse;
  return mapped;
}

/** Folds a later report into an earlier one: fields the later one leaves null or out are kept. */
export function mergeAnthropicUsage(earlier: AnthropicUsageCounts, later: AnthropicUsageCounts): AnthropicUsageCounts {
  const merged: AnthropicUsageCounts = { ...earlier };
  for (const key of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const) {
    const value = later[key];
    if (typeof value === "number") merged[key] = value;
  }
  if (later.output_tokens_details) merged.output_tokens_details = later.output_tokens_details;
  if (later.server_tool_use) merged.server_tool_use = later.server_tool_use;
  return merged;
}

/**
 * The numeric counts of a `server_tool_use` report, or undefined when no server tool ran (the
 * report is absent or all zeros, as the Claude CLI's result line has it on every answer).
 */
function serverToolCounts(report: object | null | undefined): Record<string, number> | undefined {
  if (!report) return undefined;
  const counts = Object.entries(report).filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]));
  return counts.some(([, count]) => count > 0) ? Object.fromEntries(counts) : undefined;
}
