import { z } from "zod";
import { nameSchema } from "./name-schema";
import type { ChatMessage, ChatRequest } from "./request-schema";

/**
 * A `tool_reference` content part in a tool result, the declared extension for Anthropic's tool
 * search: a client that defers tools (`defer_loading: true` on the tool, kept under the tool's
 * `anthropic`) loads them through a search tool whose result holds `{type: "tool_reference",
 * tool_name}` blocks, and the Messages API expands each into the tool's definition. Claude Code
 * 2.1 does this with its `ToolSearch` tool. The Anthropic door keeps these parts (with their
 * `cache_control`); a provider with the `toolReferences` capability (Anthropic) sends them back as
 * they came, and every other provider gets them as text naming the tools (`toolReferencesAsText`),
 * while the deferred tools themselves reach it as ordinary tools.
 */
export const toolReferencePartSchema = z.looseObject({ type: z.literal("tool_reference"), tool_name: nameSchema() });

export type ToolReferencePart = z.infer<typeof toolReferencePartSchema>;

/** A content part read as a tool reference, or undefined when it is not a well-formed one. */
export function readToolReference(part: unknown): ToolReferencePart | undefined {
  return toolReferencePartSchema.safeParse(part).data;
}

type Part = Exclude<ChatMessage["content"], string | null | undefined>[number];

/** The text a tool reference becomes for a provider that cannot expand it. */
export function toolReferenceText(name: string): string {
  return `Tool ${name} is loaded: its definition is in the tools list and it can be called now.`;
}

/**
 * The request with every tool reference in a tool result turned into a text part naming the tool.
 * The request is returned as it is when it holds none (the usual case: one pass over the messages).
 */
export function toolReferencesAsText(request: ChatRequest): ChatRequest {
  if (!request.messages.some(hasToolReference)) return request;
  return {
    ...request,
    messages: request.messages.map((message): ChatMessage => {
      if (message.role !== "tool" || !Array.isArray(message.content) || !hasToolReference(message)) return message;
      return { ...message, content: message.content.map(asText) };
    }),
  };
}

function asText(part: Part): Part {
  const reference = part.type === "tool_reference" ? readToolReference(part) : undefined;
  return reference ? { type: "text", text: toolReferenceText(reference.tool_name) } : part;
}

function hasToolReference(message: ChatMessage): boolean {
  return message.role === "tool" && Array.isArray(message.content) && message.content.some((part) => part.type === "tool_reference");
}
