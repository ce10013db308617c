import type { z } from "zod";
import { type Fields, isName, isObject, rebuilt } from "../../chat/loose-copy";
import { eachKnownOrChecked } from "../with-known-fields";

/**
 * The Messages request's `messages` as messages-schema.ts would output them, the blocks Claude
 * Code sends by the hundred built without zod: text, tool_use, tool_result (with text or text
 * blocks) and thinking blocks in user and assistant turns, with their cache marks. Zod spends a
 * result object per key and copies every loose object through its catch-all; this builds the same
 * objects directly (the schema's keys first, in its order, then the others in the client's order;
 * a cache mark as zod's strict object outputs it). A turn of another kind is checked by the
 * schema's own turn schema (`turnSchema`), which gives what zod would give in the list; if that
 * check fails, the result is undefined and the caller runs the schema on the whole request, so
 * every refusal is still zod's, word for word. tests/doors/anthropic/known-fields.test.ts
 * compares the two.
 */
export function knownAnthropicMessages(messages: unknown, turnSchema: z.ZodType): unknown[] | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  return eachKnownOrChecked(messages, knownTurn, turnSchema);
}

const TURN_KEYS = ["role", "content"];
const TEXT_KEYS = ["type", "text", "cache_control", "citations"];
const TOOL_USE_KEYS = ["type", "id", "name", "input", "cache_control"];
const TOOL_RESULT_KEYS = ["type", "tool_use_id", "content", "is_error", "cache_control"];
const THINKING_KEYS = ["type", "thinking", "signature"];

function knownTurn(turn: unknown): Fields | undefined {
  if (!isObject(turn) || (turn.role !== "user" && turn.role !== "assistant")) return undefined;
  const content = turn.content;
  if (typeof content === "string") {
    // A user turn must say something; an assistant turn may be empty.
    if (turn.role === "user" && content.length === 0) return undefined;
    return rebuilt(turn, TURN_KEYS, {});
  }
  if (!Array.isArray(content) || (turn.role === "user" && content.length === 0)) return undefined;
  const blocks: Fields[] = new Array(content.length);
  for (let index = 0; index < content.length; index++) {
    const block = knownBlock(content[index]);
    if (!block) return undefined;
    blocks[index] = block;
  }
  return rebuilt(turn, TURN_KEYS, { content: blocks });
}

function knownBlock(block: unknown): Fields | undefined {
  if (!isObject(block)) return undefined;
  const mark = cacheMark(block);
  if (mark === false) return undefined;
  const changed: Fields = mark === undefined ? {} : { cache_control: mark };
  switch (block.type) {
    case "text":
      return textBlock(block, changed);
    case "tool_use": {
      if (!isName(block.id, 1) || !isName(block.name, 1) || !isObject(block.input)) return undefined;
      // z.record(z.string(), z.unknown()): a copy of the object's own keys.
      const input = rebuilt(block.input, [], {});
      return input && rebuilt(block, TOOL_USE_KEYS, { ...changed, input });
    }
    case "tool_result": {
      if (!isName(block.tool_use_id, 1)) return undefined;
      if ("is_error" in block && block.is_error !== null && typeof block.is_error !== "boolean") return undefined;
      if ("content" in block && typeof block.content !== "string") {
        if (!Array.isArray(block.content)) return undefined;
        const parts: Fields[] = new Array(block.content.length);
        for (let index = 0; index < block.content.length; index++) {
          const part: unknown = block.content[index];
          if (!isObject(part) || part.type !== "text") return undefined;
          const partMark = cacheMark(part);
          if (partMark === false) return undefined;
          const text = textBlock(part, partMark === undefined ? {} : { cache_control: partMark });
          if (!text) return undefined;
          parts[index] = text;
        }
        changed.content = parts;
      }
      return rebuilt(block, TOOL_RESULT_KEYS, changed);
    }
    case "thinking":
      if (typeof block.thinking !== "string" || typeof block.signature !== "string" || "cache_control" in block) return undefined;
      return rebuilt(block, THINKING_KEYS, {});
    default:
      return undefined;
  }
}

/** A text block without citations (the schema checks those). */
function textBlock(block: Fields, changed: Fields): Fields | undefined {
  if (typeof block.text !== "string") return undefined;
  if ("citations" in block && block.citations !== null) return undefined;
  return rebuilt(block, TEXT_KEYS, changed);
}

/**
 * An item's `cache_control` as cacheControlSchema.nullish() outputs it: absent or null as it is
 * (undefined: nothing to change), a mark as a new `{type, ttl?}` without other keys (zod's plain
 * object drops them); false for anything else.
 */
export function cacheMark(block: Fields): Fields | undefined | false {
  if (!("cache_control" in block) || block.cache_control === null) return undefined;
  const mark = block.cache_control;
  if (!isObject(mark) || mark.type !== "ephemeral") return false;
  if (!("ttl" in mark)) return { type: "ephemeral" };
  return mark.ttl === "5m" || mark.ttl === "1h" ? { type: "ephemeral", ttl: mark.ttl } : false;
}
