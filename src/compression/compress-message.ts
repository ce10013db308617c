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
const isToolResult = (message: ChatMessage) => message.role === "tool" || message.role === "function";

function callFor(message: ChatMessage, calls: Map<string, ToolCallInfo>): ToolCallInfo | undefined {
  if (message.role === "tool") return calls.get(message.tool_call_id);
  if (message.role === "function") return { name: message.name, arguments: "" };
  return undefined;
}

/** The context of one text of a message; `previous` is the text part before it, if any. */
function contextOf(message: ChatMessage, text: string, previous: string | undefined, calls: Map<string, ToolCallInfo>): TextContext {
  if (message.role === "system" || message.role === "developer" || message.role === "assistant") return "prose";
  if (looksLikeJson(text)) return "verbatim";
  if (isToolResult(message)) {
    const call = callFor(message, calls);
    return toolOutputContext(call?.name, () => commandOf(call?.arguments));
  }
  // A user's own text is prose: lines a person pasted (rows, a list) are theirs to count.
  return textProtocolContext(text) ?? (previous !== undefined && isResultHeader(previous) ? textProtocolContext(previous) : undefined) ?? "prose";
}

export function compressMessage(message: ChatMessage, calls: Map<string, ToolCallInfo>, stats: CompressionStats, where: string): ChatMessage {
  const content = message.content;
  if (typeof content === "string") {
    const next = compressText(content, contextOf(message, content, undefined, calls), stats, where);
    return next === content ? message : { ...message, content: next };
  }
  if (!Array.isArray(content)) return message;
  // A tool result is one output even when sent in parts: its parts share one context.
  const whole = isToolResult(message) ? content.filter(isTextPart).map((part) => part.text).join("") : undefined;
  const toolContext = whole === undefined ? undefined : contextOf(message, whole, undefined, calls);
  let previous: string | undefined;
  let changed = false;
  const parts = content.map((part) => {
    if (!isTextPart(part)) return part;
    const context = toolContext ?? contextOf(message, part.text, previous, calls);
    previous = part.text;
    const next = compressText(part.text, context, stats, where);
    if (next === part.text) return part;
    changed = true;
    return { ...part, text: next };
  });
  return changed ? ({ ...message, content: parts } as ChatMessage) : message;
}

/** One text as duplicate detection sees it; its labels are worked out only if it is ever a candidate target. */
class TextUnit implements DuplicateUnit {
  constructor(
    readonly text: string,
    readonly replaceable: boolean,
    private readonly call: ToolCallInfo | undefined,
    private readonly callId: string | undefined,
    private readonly header: string | undefined,
  ) {}

  labels(): Label[] {
    const found: Label[] = [];
    if (this.call && this.callId !== undefined) found.push(callLabel(this.call.name, this.call.arguments, this.callId));
    if (this.header !== undefined) found.push(headerLabel(this.header));
    const first = firstLineLabel(this.text);
    if (first) found.push(first);
    return found;
  }
}

/** The texts of a message as duplicate detection sees them: a tool result whole, other messages part by part. */
export function duplicateUnits(message: ChatMessage, calls: Map<string, ToolCallInfo>): DuplicateUnit[] {
  const content = message.content;
  const toolCallId = message.role === "tool" ? message.tool_call_id : undefined;
  if (typeof content === "string") {
    return [new TextUnit(content, message.role === "user" || isToolResult(message), isToolResult(message) ? callFor(message, calls) : undefined, toolCallId, undefined)];
  }
  if (!Array.isArray(content)) return [];
  if (isToolResult(message)) {
    if (!content.every(isTextPart)) return [];
    const text = content.length === 1 ? (content[0] as { text: string }).text : content.map((part) => part.text as string).join("");
    return [new TextUnit(text, true, callFor(message, calls), toolCallId, undefined)];
  }
  const units: DuplicateUnit[] = [];
  let previous: string | undefined;
  for (const part of content) {
    if (!isTextPart(part)) continue;
    units.push(new TextUnit(part.text, message.role === "user", undefined, undefined, previous !== undefined && isResultHeader(previous) ? previous : undefined));
    previous = part.text;
  }
  return units;
}

/** Puts the resolved texts back: a tool result as one text, other messages part by part. */
export function withResolvedTexts(message: ChatMessage, units: DuplicateUnit[], resolved: string[]): ChatMessage {
  let same = true;
  for (let index = 0; index < resolved.length && same; index++) same = resolved[index] === units[index]!.text;
  if (same) return message;
  const content = message.content;
  if (typeof content === "string") return { ...message, content: resolved[0]! };
  if (!Array.isArray(content)) return message;
  if (isToolResult(message)) return { ...message, content: [{ type: "text", text: resolved[0]! }] } as ChatMessage;
  let index = 0;
  const parts = content.map((part) => {
    if (!isTextPart(part)) return part;
    const text = resolved[index++]!;
    return text === part.text ? part : { ...part, text };
  });
  return { ...message, content: parts } as ChatMessage;
}
