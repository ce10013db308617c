import type { ChatRequest } from "../../../src/chat/request-schema";
import { upstreamToolName } from "../../../src/providers/openai-compatible/upstream-tool-names";

/** UpstreamToolNames.of before it stopped building arrays (its renaming map, or undefined): the reference the tuned one is compared with. */
const VALID_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function upstreamToolNamesReference(request: ChatRequest): Map<string, string> | undefined {
  const names = [
    ...(request.tools ?? []).map((tool) => tool.function.name),
    ...request.messages.flatMap((message) => (message.role === "assistant" ? (message.tool_calls ?? []).map((call) => call.function.name) : [])),
    ...(typeof request.tool_choice === "object" && request.tool_choice ? [request.tool_choice.function.name] : []),
  ];
  const renamed = names.filter((name) => !VALID_NAME.test(name));
  if (renamed.length === 0) return undefined;
  return new Map(renamed.map((name) => [upstreamToolName(name), name]));
}
