import type { ChatMessage } from "../chat/request-schema";
import { compressText, type TextContext } from "./compress-text";
import type { CompressionStats } from "./compression-stats";
import { type DuplicateUnit, type Label, callLabel, firstLineLabel, headerLabel } from "./duplicate-outputs";
import { commandOf, isResultHeader, looksLikeJson, textProtocolContext, toolOutputContext } from "./tool-output-context";

/**
 * One message through the text steps, and the units it offers to duplicate detection. Only
 * string content and `text` parts are read; images, audio, files and unknown part types pass
 * through untouched, as do tool calls, reasoning and every field other than `content`.
 */

export interface ToolCallInfo {
  name: string;
  arguments: string;
}

type Content = ChatMessage["content"];
type Part = Extract<NonNullable<Content>, unknown[]>[number];

const isTextPart = (part: Part): part is Part & { text: string } => part.type === "text" && typeof part.text === "string";

function callFor(message: ChatMessage, calls: Map<string, ToolCallInfo>): ToolCallInfo | undefined {
  if (message.role === "tool") return calls.get(message.tool_call_id);
  if (message.role === "function") return { name: message.name, arguments: "" };
  return undefined;
}

/** The context for each text of a message, in order (one entry for string content). */
function contexts(message: ChatMessage, texts: string[], calls: Map<string, ToolCallInfo>): TextContext[] {
  if (message.role === "system" || message.role === "developer" || message.role === "assistant") return texts.map(() => "prose");
  if (message.role === "tool" || message.role === "function") {
    if (looksLikeJson(texts.join(""))) return texts.map(() => "verbatim");
    const call = callFor(message, calls);
    const context = toolOutputContext(call?.name, commandOf(call?.arguments));
    return texts.map(() => context);
  }
  return texts.map((text, index) => {
    const previous = index > 0 ? texts[index - 1] : undefined;
    const fromHeader = textProtocolContext(text) ?? (previous !== undefined && isResultHeader(previous) ? textProtocolContext(previous) : undefined);
    if (fromHeader) return fromHeader;
    return looksLikeJson(text) ? "verbatim" : "output";
  });
}

export function compressMessage(message: ChatMessage, calls: Map<string, ToolCallInfo>, stats: CompressionStats, where: string): ChatMessage {
  const content = message.content;
  if (typeof content === "string") {
    const [context] = contexts(message, [content], calls);
    const next = compressText(content, context!, stats, where);
    return next === content ? message : { ...message, content: next };
  }
  if (!Array.isArray(content)) return message;
  const textParts = content.filter(isTextPart);
  if (textParts.length === 0) return message;
  const partContexts = contexts(message, textParts.map((part) => part.text), calls);
  let textIndex = 0;
  let changed = false;
  const parts = content.map((part) => {
    if (!isTextPart(part)) return part;
    const next = compressText(part.text, partContexts[textIndex++]!, stats, where);
    if (next === part.text) return part;
    changed = true;
    return { ...part, text: next };
  });
  return changed ? ({ ...message, content: parts } as ChatMessage) : message;
}

/** The texts of a message as duplicate detection sees them: a tool result whole, other messages part by part. */
export function duplicateUnits(message: ChatMessage, calls: Map<string, ToolCallInfo>, toolCallId: string | undefined): DuplicateUnit[] {
  const content = message.content;
  const parts = typeof content === "string" ? [content] : Array.isArray(content) ? content : [];
  if (message.role === "tool" || message.role === "function") {
    if (!parts.every((part) => typeof part === "string" || isTextPart(part))) return [];
    const text = parts.map((part) => (typeof part === "string" ? part : (part as { text: string }).text)).join("");
    const call = callFor(message, calls);
    const labels: Label[] = [];
    if (call && toolCallId !== undefined) labels.push(callLabel(call.name, call.arguments, toolCallId));
    const first = firstLineLabel(text);
    if (first) labels.push(first);
    return [{ text, labels, replaceable: true }];
  }
  const texts = parts.flatMap((part) => (typeof part === "string" ? [part] : isTextPart(part) ? [part.text] : []));
  return texts.map((text, index) => {
    const labels: Label[] = [];
    const previous = index > 0 ? texts[index - 1]! : undefined;
    if (previous !== undefined && isResultHeader(previous)) labels.push(headerLabel(previous));
    const first = firstLineLabel(text);
    if (first) labels.push(first);
    return { text, labels, replaceable: message.role === "user" };
  });
}

/** Puts the resolved texts back: a tool result as one text, other messages part by part. */
export function withResolvedTexts(message: ChatMessage, units: DuplicateUnit[], resolved: string[]): ChatMessage {
  if (resolved.every((text, index) => text === units[index]!.text)) return message;
  const content = message.content;
  if (typeof content === "string") return { ...message, content: resolved[0]! };
  if (!Array.isArray(content)) return message;
  if (message.role === "tool" || message.role === "function") return { ...message, content: [{ type: "text", text: resolved[0]! }] } as ChatMessage;
  let index = 0;
  const parts = content.map((part) => {
    if (!isTextPart(part)) return part;
    const text = resolved[index++]!;
    return text === part.text ? part : { ...part, text };
  });
  return { ...message, content: parts } as ChatMessage;
}
