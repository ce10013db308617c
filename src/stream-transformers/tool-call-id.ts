/**
 * An OpenAI-style tool call id for a call that came without one: Gemini's function calls carry
 * none, and some OpenAI-compatible servers leave `id` out or empty. Every client needs one to send
 * the call's result back (a tool message's `tool_call_id`, a tool_result's `tool_use_id`).
 */
export function createToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** A tool call's id as the upstream sent it, when it is a usable one. */
export const hasToolCallId = (call: { id?: unknown }): boolean => typeof call.id === "string" && call.id !== "";

interface ToolCallDelta {
  index: number;
  id?: string;
}

/**
 * Gives each streamed tool call an id on its first delta when the upstream sent none (in place);
 * `started` remembers the calls already begun, by choice and call index, across a stream's chunks.
 * A later delta's empty id is left out, so a client that keeps the last id it saw keeps this one.
 */
export function fillStreamedToolCallIds(choiceIndex: number, calls: ToolCallDelta[], started: Set<string>): void {
  for (const call of calls) {
    const key = `${choiceIndex}:${call.index}`;
    if (!started.has(key)) {
      started.add(key);
      if (!hasToolCallId(call)) call.id = createToolCallId();
    } else if (call.id === "") delete call.id;
  }
}
