import { z } from "zod";

/**
 * What a request carries for the Anthropic Messages API only, under `anthropic`: the parts of an
 * Anthropic request that have no chat-completions equivalent, kept so a request the router sends
 * to the Anthropic provider reaches it as the client wrote it. Every other provider leaves them
 * out (the OpenAI-wire ones with a debug line), as they would mean nothing there.
 * - `betas`: the client's `anthropic-beta` header values, sent as that header.
 * - `system_turns`: the client put `{"role": "system"}` entries among its messages (the Messages
 *   API takes them there); system messages after the first turn are then sent in place instead of
 *   being folded into the system prompt.
 * - `server_tools`: tools Anthropic runs itself (`web_search_20250305`, `code_execution_…`, …), as
 *   the client defined them.
 * - `fields`: top-level fields such as `context_management`, `container`, `mcp_servers`,
 *   `service_tier` or a top-level `cache_control`, and `output_config` keys beyond `effort` and
 *   `format` (which map onto `reasoning_effort` and `response_format`), sent as they are.
 * A tool definition carries its own Anthropic-only keys (`defer_loading`, `input_examples`,
 * `eager_input_streaming`, …) the same way, as `anthropic` on the tool.
 */
export const anthropicOptionsSchema = z.object({
  betas: z.array(z.string().min(1)).optional(),
  system_turns: z.boolean().optional(),
  server_tools: z.array(z.record(z.string(), z.unknown())).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export type AnthropicOptions = z.infer<typeof anthropicOptionsSchema>;

/** A tool definition's Anthropic-only keys. */
export const anthropicToolOptionsSchema = z.record(z.string(), z.unknown());

/** The names of what a request carries for Anthropic only, for the log line of a provider that drops them. */
export function anthropicOptionNames(options: AnthropicOptions | undefined): string[] {
  if (!options) return [];
  const names: string[] = [];
  if (options.betas?.length) names.push("anthropic-beta");
  if (options.server_tools?.length) names.push(...options.server_tools.map((tool) => `server tool ${String(tool.type ?? tool.name)}`));
  names.push(...Object.keys(options.fields ?? {}));
  return names;
}
