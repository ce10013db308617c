import type { Logger } from "../../logger";

/**
 * An empty `tools` array, and `tool_choice` / `parallel_tool_calls` on a request without tools,
 * mean the same as leaving them out, yet OpenAI answers them with a 400 ("Invalid 'tools': empty
 * array"; "'parallel_tool_calls' is only allowed when 'tools' are specified"), as do other
 * OpenAI-compatible servers (DeepSeek, vLLM for a forced choice). Clients send them (agent
 * frameworks with no tools configured; the Messages door's `disable_parallel_tool_use` on a request
 * without tools), so they are left out of the upstream body (in place), as the Anthropic provider
 * does. Legacy `functions` count as tools.
 */
export function withoutToolFieldsWhenNoTools(body: Record<string, unknown>, logger: Logger): void {
  if (Array.isArray(body.tools) && body.tools.length === 0) delete body.tools;
  if (body.tools !== undefined || (Array.isArray(body.functions) && body.functions.length > 0)) return;
  const dropped = ["tool_choice", "parallel_tool_calls"].filter((field) => body[field] !== undefined);
  for (const field of dropped) delete body[field];
  if (dropped.length > 0) logger.debug("dropped tool fields: the request offers no tools", { model: body.model, dropped });
}
