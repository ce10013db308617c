import type { AnthropicRequestBody } from "./to-anthropic-request";

/**
 * The body of `POST /v1/messages/count_tokens` for a Messages request: the fields the counting
 * endpoint takes (what is in the prompt, and what changes how it is tokenized), without the
 * generation settings (`max_tokens`, sampling, stop sequences, metadata) it rejects.
 */
const countedFields = ["model", "messages", "system", "tools", "tool_choice", "thinking", "output_config", "cache_control", "context_management", "mcp_servers", "speed"];

export function toCountTokensBody(body: AnthropicRequestBody): Record<string, unknown> {
  const source: Record<string, unknown> = body;
  return Object.fromEntries(countedFields.filter((field) => source[field] !== undefined).map((field) => [field, source[field]]));
}
