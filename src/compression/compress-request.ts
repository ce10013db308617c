import type { ChatMessage, ChatRequest, ChatTool } from "../chat/request-schema";
import { requestMarksMessages } from "./cache-marks";
import { compressMessage, duplicateUnits, type ToolCallInfo, withResolvedTexts } from "./compress-message";
import { type CompressionStats, emptyStats, estimateTokens } from "./compression-stats";
import { DuplicateIndex } from "./duplicate-outputs";
import { compressTools, toolCharacters } from "./tool-schemas";

/**
 * Lossless prompt compression of one chat request (see README.md in this folder). Pure: the
 * request passed in is never mutated; unchanged messages and tools are returned as the same
 * objects. It never throws: a step that fails is skipped for that message and listed in
 * `stats.skipped`.
 *
 * Prefix stability: message i is compressed from messages 0..i alone, in one pass from the first
 * message on, so a request that appends turns to an earlier one compresses the shared prefix to
 * the same bytes and provider prompt caches keep hitting.
 */

export interface CompressionOptions {
  /** `off` returns the request as it came; `safe` (the default) applies the lossless steps. */
  mode?: "safe" | "off";
}

export interface CompressionResult {
  request: ChatRequest;
  stats: CompressionStats;
}

function contentCharacters(message: ChatMessage): number {
  const content = message.content;
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let total = 0;
  for (const part of content) if (part.type === "text" && typeof part.text === "string") total += part.text.length;
  return total;
}

function requestCharacters(request: ChatRequest, characters: (tool: ChatTool) => number): number {
  let total = 0;
  for (const message of request.messages) total += contentCharacters(message);
  for (const tool of request.tools ?? []) total += characters(tool);
  return total;
}

/**
 * toolCharacters, each tool object counted once per compressRequest call: a changed tool was
 * walked four times (before and after, for the step's saving and for the request's totals), a
 * twelfth of a 200 KB Claude Code request's compression. The call is synchronous and mutates
 * nothing, so a tool's count cannot change within it.
 */
function countedOnce(): (tool: ChatTool) => number {
  const counts = new Map<ChatTool, number>();
  return (tool) => {
    let count = counts.get(tool);
    if (count === undefined) counts.set(tool, (count = toolCharacters(tool)));
    return count;
  };
}

/** `messages[i]`, made once per index (up to a bound): every request names its messages the same way. */
const messagePaths: string[] = [];
const messagePath = (index: number) => (index < 1024 ? (messagePaths[index] ??= `messages[${index}]`) : `messages[${index}]`);

function compressMessages(request: ChatRequest, stats: CompressionStats): ChatMessage[] {
  if (requestMarksMessages(request)) {
    stats.messagesKeptForCache = request.messages.length;
    return request.messages;
  }
  const calls = new Map<string, ToolCallInfo>();
  const duplicates = new DuplicateIndex();
  let changed = false;
  const messages = request.messages.map((message, index) => {
    const where = messagePath(index);
    let next = compressMessage(message, calls, stats, where);
    try {
      const units = duplicateUnits(next, calls);
      const resolved = units.map((unit) => duplicates.resolve(unit));
      const deduplicated = withResolvedTexts(next, units, resolved);
      if (deduplicated !== next) {
        stats.transforms.duplicates.charactersSaved += contentCharacters(next) - contentCharacters(deduplicated);
        stats.transforms.duplicates.textsChanged += 1;
        next = deduplicated;
      }
    } catch {
      stats.skipped.push({ step: "duplicates", where });
    }
    if (next.role === "assistant") {
      for (const call of next.tool_calls ?? []) calls.set(call.id, { name: call.function.name, arguments: call.function.arguments });
    }
    if (next !== message) changed = true;
    return next;
  });
  return changed ? messages : request.messages;
}

export function compressRequest(request: ChatRequest, options: CompressionOptions = {}): CompressionResult {
  const started = performance.now();
  const mode = options.mode ?? "safe";
  const stats = emptyStats(mode);
  const characters = countedOnce();
  let result = request;
  if (mode === "safe") {
    try {
      const messages = compressMessages(request, stats);
      const tools = request.tools ? compressTools(request.tools, stats, characters) : request.tools;
      if (messages !== request.messages || tools !== request.tools) result = tools === request.tools ? { ...request, messages } : { ...request, messages, tools };
    } catch {
      stats.skipped.push({ step: "request", where: "request" });
      result = request;
    }
  }
  stats.charactersBefore = requestCharacters(request, characters);
  stats.charactersAfter = result === request ? stats.charactersBefore : requestCharacters(result, characters);
  stats.estimatedTokensBefore = estimateTokens(stats.charactersBefore);
  stats.estimatedTokensAfter = estimateTokens(stats.charactersAfter);
  stats.durationMs = performance.now() - started;
  return { request: result, stats };
}
