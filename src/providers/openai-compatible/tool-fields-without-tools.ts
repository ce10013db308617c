import type { Logger } from "../../logger";

/**
 * An empty `tools` array, and `tool_choice` / `parallel_tool_calls` on a request without tools,
 * mean the same as leaving them out, yet OpenAI answers them with a 400 ("Invalid 'tools': empty
 * array"; "'parallel_tool_calls' is only allowed when 'tools' are specified"), as do other
 * OpenAI-compatible servers (DeepSeek, vLLM for a forced choice). Clients send them (agent
 * frameworks with no tools configured; the Messages door's `disable_parallel_tool_use` on a request
 * without tools), so they are left out of the upstream body (in place), as the Anthropic provider
 * does. The legacy `functions` / `function_call` pair is treated the same way.
 */
const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;

export function withoutToolFieldsWhenNoTools(body: Record<string, unknown>, logger: Logger): void {
  const dropped: string[] = [];
  const drop = (field: string) => {
    if (body[field] === undefined) return;
    delete body[field];
    dropped.push(field);
  };
  if (isEmptyList(body.tools)) drop("tools");
  if (isEmptyList(body.functions)) drop("functions");
  if (body.tools === undefined) {
    drop("tool_choice");
    drop("parallel_tool_calls");
  }
  if (body.functions === undefined) drop("function_call");
  if (dropped.length > 0) logger.debug("dropped tool fields: the request offers no tools", { model: body.model, dropped });
}
