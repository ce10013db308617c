import { agentRequestBodies } from "./agent-requests";

/**
 * Claude Code's successive Messages requests (POST /v1/messages), from the chat-shaped agent bodies
 * of agent-requests.ts (the same sessions, turns and sizes): keys in Claude Code's order (`model`,
 * `messages`, then `system`, `tools` and the settings), each assistant turn signed thinking, a line
 * of text and its tool_use, each tool result a user turn of a tool_result block, the system prompt
 * and the last tool marked for the cache, and the mark Claude Code moves every turn on the last
 * block of the last message; consecutive user blocks share one turn. `nonAscii` puts a dash and
 * an emoji in every turn's text.
 */
type ChatTurn = { role: string; content: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };
type ChatBody = { messages: ChatTurn[]; tools: Array<{ function: { name: string; description?: string; parameters?: unknown } }> };
type Block = Record<string, unknown>;

export function claudeCodeMessagesBodies(targetBytes: number, options: { nonAscii?: boolean } = {}): () => string {
  const next = agentRequestBodies("claude-code", targetBytes);
  const say = (text: string) => (options.nonAscii ? `— ${text} 😀` : text);
  return () => {
    const chat = JSON.parse(next()) as ChatBody;
    let system = "";
    const messages: Array<{ role: string; content: Block[] }> = [];
    for (const turn of chat.messages) {
      if (turn.role === "system") system = String(turn.content);
      else if (turn.role === "assistant") {
        const calls = turn.tool_calls ?? [];
        const thinking = calls.map((call) => call.id).join(" ");
        messages.push({
          role: "assistant",
          content: [
            { type: "thinking", thinking: say(`I should read ${thinking}.`), signature: Buffer.from(`signed ${thinking}`).toString("base64").repeat(6) },
            { type: "text", text: say("Reading it.") },
            ...calls.map((call) => ({ type: "tool_use", id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) as unknown })),
          ],
        });
      } else {
        const block = turn.role === "tool" ? { type: "tool_result", tool_use_id: turn.tool_call_id, content: say(String(turn.content)) } : { type: "text", text: say(String(turn.content)) };
        // A question after tool results is in their user turn, as Claude Code sends it.
        const previous = messages.at(-1);
        if (previous?.role === "user") previous.content.push(block);
        else messages.push({ role: "user", content: [block] });
      }
    }
    // Claude Code marks the last block of the last message: the mark moves on every turn.
    const last = messages.at(-1)!.content;
    last[last.length - 1] = { ...last.at(-1), cache_control: { type: "ephemeral" } };
    const tools = chat.tools.map((tool, index) => ({
      name: tool.function.name,
      description: tool.function.description,
      input_schema: tool.function.parameters,
      ...(index === chat.tools.length - 1 ? { cache_control: { type: "ephemeral" } } : {}),
    }));
    return JSON.stringify({
      model: "claude-sonnet-5-5",
      messages,
      system: [
        { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=cli;" },
        { type: "text", text: system, cache_control: { type: "ephemeral" } },
      ],
      tools,
      metadata: { user_id: "user_bench_session" },
      max_tokens: 32000,
      thinking: { type: "adaptive" },
      stream: true,
    });
  };
}
