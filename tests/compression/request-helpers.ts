import { type ChatMessage, type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";

/** A request as the schema accepts it, so tests use the same shape the pipeline hands over. */
export function chatRequest(messages: unknown[], extra: Record<string, unknown> = {}): ChatRequest {
  return chatRequestSchema.parse({ model: "test-model", messages, ...extra });
}

/** An assistant turn calling one tool and that tool's result. */
export function toolTurn(id: string, name: string, args: Record<string, unknown>, result: unknown): unknown[] {
  return [
    { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }] },
    { role: "tool", tool_call_id: id, content: result },
  ];
}

export function textOf(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => (typeof part.text === "string" ? part.text : "")).join("");
}
