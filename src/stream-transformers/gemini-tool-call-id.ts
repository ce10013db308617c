/** An OpenAI-style tool call id for a Gemini function call (Gemini's own calls carry none). */
export function createToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
