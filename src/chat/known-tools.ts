import { type Fields, isName, isObject, rebuilt } from "./loose-copy";
import type { ChatTool } from "./request-schema";

/**
 * The chat request's `tools` as the request schema (request-schema.ts) would output them, built
 * without zod for plain function tools: `{type: "function", function: {name, description?,
 * parameters?, strict?}}` and whatever other keys the client sends. Zod copies each tool, its
 * function and its `parameters` record key by key through a result object per key; this copies
 * them the way zod's output has them (its keys first, then the others in the client's order).
 * Anything else (another type, an `anthropic` extension, a field of the wrong type, a
 * `__proto__` key) gives undefined, and the schema checks the whole request.
 */
export function knownTools(tools: unknown): ChatTool[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  const result: ChatTool[] = new Array(tools.length);
  for (let index = 0; index < tools.length; index++) {
    const tool = knownTool(tools[index]);
    if (!tool) return undefined;
    result[index] = tool as ChatTool;
  }
  return result;
}

const TOOL_KEYS = ["type", "function", "anthropic"];
const FUNCTION_KEYS = ["name", "description", "parameters", "strict"];

function knownTool(tool: unknown): Fields | undefined {
  if (!isObject(tool) || tool.type !== "function" || "anthropic" in tool) return undefined;
  const fn = tool.function;
  if (!isObject(fn) || !isName(fn.name, 1)) return undefined;
  if ("description" in fn && typeof fn.description !== "string") return undefined;
  if ("strict" in fn && fn.strict !== null && typeof fn.strict !== "boolean") return undefined;
  const changed: Fields = {};
  if ("parameters" in fn) {
    // z.record(z.string(), z.unknown()): a copy of the object's own keys.
    if (!isObject(fn.parameters)) return undefined;
    const parameters = rebuilt(fn.parameters, [], {});
    if (!parameters) return undefined;
    changed.parameters = parameters;
  }
  const rebuiltFunction = rebuilt(fn, FUNCTION_KEYS, changed);
  return rebuiltFunction && rebuilt(tool, TOOL_KEYS, { function: rebuiltFunction });
}
