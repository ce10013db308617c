/**
 * OpenAI chat-completions stream lines (the `data:` payloads, ending in "[DONE]") for a reply a test
 * writes itself: text in a few pieces, or one tool call whose arguments arrive in fragments; the
 * finish chunk, then the usage chunk, as OpenAI sends them with `include_usage`.
 */
export interface ScriptedOpenAIReply {
  text?: string;
  toolCall?: { id: string; name: string; arguments: Record<string, unknown> };
  usage?: { prompt_tokens: number; completion_tokens: number };
  model?: string;
}

export function openAIStreamLines(reply: ScriptedOpenAIReply): string[] {
  const base = { id: "chatcmpl-scripted0001", object: "chat.completion.chunk", created: 1762000000, model: reply.model ?? "gpt-4o-mini-2024-07-18" };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const lines = [chunk({ role: "assistant", content: "" })];
  if (reply.text) for (const piece of reply.text.match(/\S+\s*/g) ?? [reply.text]) lines.push(chunk({ content: piece }));
  if (reply.toolCall) {
    const { id, name, arguments: input } = reply.toolCall;
    const text = JSON.stringify(input);
    lines.push(chunk({ tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: "" } }] }));
    for (let start = 0; start < text.length; start += 12) lines.push(chunk({ tool_calls: [{ index: 0, function: { arguments: text.slice(start, start + 12) } }] }));
  }
  lines.push(chunk({}, reply.toolCall ? "tool_calls" : "stop"));
  const usage = reply.usage ?? { prompt_tokens: 120, completion_tokens: 18 };
  lines.push(JSON.stringify({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }));
  lines.push("[DONE]");
  return lines;
}
