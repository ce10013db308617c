import { createHash } from "node:crypto";
import type { ChatRequest } from "../../chat/request-schema";
import type { ChatCompletion, ChatCompletionChunk } from "../../chat/types";
import { pullThrough } from "../../streams/sync-transformer";

/**
 * OpenAI takes function names of at most 64 characters of [A-Za-z0-9_-] (DashScope and others
 * the same); the Messages API takes 128, and Claude Code names plugin MCP tools
 * `mcp__plugin_<plugin>_<server>__<tool>`, often longer. A name the upstream would refuse goes
 * out as a stem of it and a hash of the whole, the same on every request (so a tool loop's
 * history matches without any state), and every name the model answers with is mapped back: the
 * client only ever sees its own names. A request whose names all fit is left as it is.
 */
const VALID_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function upstreamToolName(name: string): string {
  if (VALID_NAME.test(name)) return name;
  const digest = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64 - digest.length - 1)}_${digest}`;
}

/** `toClient` with `name` added under its upstream name when it does not fit (a map made on the first such name). */
function withRenamed(toClient: Map<string, string> | undefined, name: string): Map<string, string> | undefined {
  if (VALID_NAME.test(name)) return toClient;
  return (toClient ?? new Map<string, string>()).set(upstreamToolName(name), name);
}

export class UpstreamToolNames {
  private constructor(private readonly toClient: ReadonlyMap<string, string>) {}

  /** The renaming a request needs, or undefined when every name it holds fits. */
  static of(request: ChatRequest): UpstreamToolNames | undefined {
    // Only the names that do not fit are collected: most requests allocate nothing here.
    let toClient: Map<string, string> | undefined;
    if (request.tools) for (const tool of request.tools) toClient = withRenamed(toClient, tool.function.name);
    for (const message of request.messages) {
      if (message.role === "assistant" && message.tool_calls) for (const call of message.tool_calls) toClient = withRenamed(toClient, call.function.name);
    }
    if (typeof request.tool_choice === "object" && request.tool_choice) toClient = withRenamed(toClient, request.tool_choice.function.name);
    return toClient && new UpstreamToolNames(toClient);
  }

  request(request: ChatRequest): ChatRequest {
    const choice = request.tool_choice;
    return {
      ...request,
      tools: request.tools?.map((tool) => ({ ...tool, function: { ...tool.function, name: upstreamToolName(tool.function.name) } })),
      messages: request.messages.map((message) =>
        message.role === "assistant" && message.tool_calls
          ? { ...message, tool_calls: message.tool_calls.map((call) => ({ ...call, function: { ...call.function, name: upstreamToolName(call.function.name) } })) }
          : message,
      ),
      ...(typeof choice === "object" && choice ? { tool_choice: { ...choice, function: { ...choice.function, name: upstreamToolName(choice.function.name) } } } : {}),
    };
  }

  private clientName(name: string): string {
    return this.toClient.get(name) ?? name;
  }

  completion(completion: ChatCompletion): ChatCompletion {
    for (const choice of completion.choices) {
      // A custom tool call (OpenAI's `custom: {name, input}`) has no function.
      for (const call of choice.message.tool_calls ?? []) if (call.function) call.function.name = this.clientName(call.function.name);
    }
    return completion;
  }

  chunks(stream: ReadableStream<ChatCompletionChunk>): ReadableStream<ChatCompletionChunk> {
    return pullThrough(stream, {
      transform: (chunk, controller) => {
        for (const choice of chunk.choices) {
          for (const call of choice.delta.tool_calls ?? []) {
            if (call.function?.name !== undefined) call.function.name = this.clientName(call.function.name);
          }
        }
        controller.enqueue(chunk);
      },
    });
  }
}
