import type { ChatRequest } from "../../chat/request-schema";

/**
 * The `openai_tools` extension (chat/openai-tools.ts) on an OpenAI-wire body. An upstream that
 * takes OpenAI's tool kinds (OpenAI itself) gets the request as the client sent it: every tool,
 * custom ones and those an allowed_tools choice left out included, the client's tool_choice, and
 * custom tool calls in the history as custom calls. Any other OpenAI-wire server keeps the
 * function-tool form every provider sees (the allowed tools only, the choice's mode), and a custom
 * call in the history as the function call it was carried as. The extension itself never goes out.
 */
export function applyOpenAIToolKinds(body: Record<string, unknown>, request: ChatRequest, takesThem: boolean): void {
  delete body.openai_tools;
  const extension = request.openai_tools;
  if (takesThem && extension) {
    const tools = [...((body.tools as unknown[] | undefined) ?? []), ...(extension.withheld_tools ?? []), ...(extension.custom_tools ?? [])];
    if (tools.length > 0) body.tools = tools;
    if (extension.tool_choice) body.tool_choice = extension.tool_choice;
  }
  const messages = body.messages as ChatRequest["messages"];
  if (!messages.some((message) => message.role === "assistant" && message.tool_calls?.some((call) => call.openai_custom))) return;
  body.messages = messages.map((message) => {
    if (message.role !== "assistant" || !message.tool_calls?.some((call) => call.openai_custom)) return message;
    return {
      ...message,
      tool_calls: message.tool_calls.map(({ openai_custom: custom, ...call }) =>
        custom && takesThem ? { id: call.id, type: "custom", custom: { name: call.function.name, input: call.function.arguments } } : call,
      ),
    };
  });
}
