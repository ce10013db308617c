/**
 * Reads an Anthropic Messages SSE stream (as the proxy's Anthropic door writes it) into its events
 * and checks the stream grammar a client relies on: `event:` names equal to the payload's `type`;
 * message_start first; content blocks started at indices 0, 1, 2… one at a time, each delta of a
 * type its block takes, each block stopped; then either message_delta (stop reason and usage) and
 * message_stop last, or an `error` event last with no block left open. `ping` may come anywhere.
 * Returns the problems found (none for a valid stream).
 */
export interface AnthropicSseEvent {
  event: string;
  data: Record<string, unknown> & { type: string };
}

export function parseAnthropicSse(text: string): AnthropicSseEvent[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const lines = frame.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "";
      const data = lines.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
      return { event, data: JSON.parse(data) as AnthropicSseEvent["data"] };
    });
}

const deltaTypes: Record<string, string[]> = {
  text: ["text_delta", "citations_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
  redacted_thinking: [],
};

export function grammarViolations(events: AnthropicSseEvent[]): string[] {
  const problems: string[] = [];
  const body = events.filter((event) => event.data.type !== "ping");
  for (const [position, { event, data }] of events.entries()) if (event !== data.type) problems.push(`event ${position}: name ${event} but type ${data.type}`);
  if (body[0]?.data.type !== "message_start") problems.push("the first event is not message_start");
  if (body.filter((event) => event.data.type === "message_start").length !== 1) problems.push("message_start must come exactly once");
  let open: { index: number; type: string; json: string; signed: boolean } | undefined;
  let nextIndex = 0;
  let ended = false;
  for (const [position, { data }] of body.entries()) {
    const at = `event ${position} (${data.type})`;
    if (ended) problems.push(`${at} after the stream ended`);
    switch (data.type) {
      case "content_block_start": {
        const block = data.content_block as { type: string };
        if (open) problems.push(`${at}: block ${open.index} is still open`);
        if (data.index !== nextIndex) problems.push(`${at}: index ${String(data.index)}, expected ${nextIndex}`);
        if (!(block.type in deltaTypes)) problems.push(`${at}: unknown block type ${block.type}`);
        open = { index: Number(data.index), type: block.type, json: "", signed: false };
        nextIndex++;
        break;
      }
      case "content_block_delta": {
        const delta = data.delta as { type: string; partial_json?: string };
        if (!open || data.index !== open.index) problems.push(`${at}: index ${String(data.index)} is not the open block`);
        else if (!deltaTypes[open.type]?.includes(delta.type)) problems.push(`${at}: ${delta.type} in a ${open.type} block`);
        else {
          if (open.signed) problems.push(`${at}: delta after the signature`);
          if (delta.type === "signature_delta") open.signed = true;
          if (delta.type === "input_json_delta") open.json += delta.partial_json ?? "";
        }
        break;
      }
      case "content_block_stop":
        if (!open || data.index !== open.index) problems.push(`${at}: index ${String(data.index)} is not the open block`);
        else if (open.type === "tool_use" && open.json !== "") {
          try {
            JSON.parse(open.json);
          } catch {
            problems.push(`${at}: tool input is not JSON: ${open.json}`);
          }
        }
        open = undefined;
        break;
      case "message_delta": {
        const delta = data.delta as { stop_reason?: unknown };
        const usage = data.usage as { output_tokens?: unknown } | undefined;
        if (open) problems.push(`${at}: block ${open.index} is still open`);
        if (typeof delta.stop_reason !== "string") problems.push(`${at}: no stop_reason`);
        if (typeof usage?.output_tokens !== "number") problems.push(`${at}: no usage.output_tokens`);
        if (body[position + 1]?.data.type !== "message_stop") problems.push(`${at}: not followed by message_stop`);
        break;
      }
      case "message_stop":
        ended = true;
        break;
      case "error": {
        const error = data.error as { type?: unknown; message?: unknown };
        if (open) problems.push(`${at}: block ${open.index} is still open`);
        if (typeof error?.type !== "string" || typeof error.message !== "string") problems.push(`${at}: error without type and message`);
        ended = true;
        break;
      }
      case "message_start":
        break;
      default:
        problems.push(`${at}: unknown event type`);
    }
  }
  if (!ended) problems.push("the stream ends without message_stop or an error event");
  return problems;
}
