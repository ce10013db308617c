import type { ChatTool } from "../chat/request-schema";
import { compressText } from "./compress-text";
import { type CompressionStats, emptyStats, recordTransform } from "./compression-stats";
import { toolCarriesCacheMark } from "./cache-marks";
import { isRecord } from "../chat/is-record";

/**
 * Tool definitions: whitespace inside description strings (the tool's and every schema's) is
 * normalised like prose, and Python docstrings sent raw (MCP servers built with FastMCP pass
 * `__doc__` as is) lose their common indentation. No key is added, dropped, renamed or reordered,
 * and no other value (names, enums, defaults, examples, patterns) is touched. The parameters
 * arrive parsed, so there is no JSON layout to normalise: the provider serialises them.
 */

/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/** Keywords whose value is a schema. */
const SCHEMA_VALUES = ["items", "additionalItems", "additionalProperties", "unevaluatedItems", "unevaluatedProperties", "not", "if", "then", "else", "contains", "propertyNames"];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems", "items"];

/** A raw docstring: continuation lines share an indentation and the last line is the indentation before the closing quotes. */
export function dedentDocstring(text: string): string {
  // Most descriptions end in words: looked at first, their last line returns them before any pass over the whole text.
  if (!endsInIndentation(text)) return text;
  if (text.includes("```") || text.includes("~~~")) return text;
  const lines = text.split("\n");
  if (lines.length < 3 || !/^[ \t]+$/.test(lines[lines.length - 1]!)) return text;
  const indents = lines.slice(1, -1).filter((line) => line.trim() !== "").map((line) => /^[ \t]*/.exec(line)![0]);
  if (indents.length === 0) return text;
  const shortest = indents.reduce((best, indent) => (indent.length < best.length ? indent : best));
  if (shortest === "" || !indents.every((indent) => indent.startsWith(shortest)) || new Set(shortest).size > 1) return text;
  const body = lines.slice(1, -1).map((line) => (line.startsWith(shortest) ? line.slice(shortest.length) : line.trim() === "" ? "" : line));
  return [lines[0]!.trimStart(), ...body].join("\n").trimEnd();
}

/** The text has a line break and what follows the last one is spaces and tabs only, at least one: `/^[ \t]+$/` on the last line. */
function endsInIndentation(text: string): boolean {
  const lastBreak = text.lastIndexOf("\n");
  if (lastBreak === -1 || lastBreak === text.length - 1) return false;
  for (let index = lastBreak + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 9) return false;
  }
  return true;
}

function compressDescription(text: string, scratch: CompressionStats, where: string): string {
  return compressText(dedentDocstring(text), "prose", scratch, where);
}

function compressSchema(schema: unknown, scratch: CompressionStats, where: string): unknown {
  if (!isRecord(schema)) return schema;
  let result: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => {
    if (value === schema[key]) return;
    result ??= { ...schema };
    result[key] = value;
  };
  if (typeof schema.description === "string") set("description", compressDescription(schema.description, scratch, where));
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isRecord(map)) continue;
    let changed: Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(map)) {
      const next = compressSchema(child, scratch, where);
      if (next !== child) (changed ??= { ...map })[name] = next;
    }
    if (changed) set(key, changed);
  }
  for (const key of SCHEMA_VALUES) if (isRecord(schema[key])) set(key, compressSchema(schema[key], scratch, where));
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const next = list.map((child) => compressSchema(child, scratch, where));
    if (next.some((child, index) => child !== list[index])) set(key, next);
  }
  return result ?? schema;
}

function compressTool(tool: ChatTool, stats: CompressionStats, where: string): ChatTool {
  const scratch = emptyStats("safe");
  const description = tool.function.description;
  const nextDescription = description === undefined ? undefined : compressDescription(description, scratch, where);
  const parameters = tool.function.parameters;
  const nextParameters = parameters === undefined ? undefined : (compressSchema(parameters, scratch, where) as Record<string, unknown>);
  stats.skipped.push(...scratch.skipped.map((skip) => ({ ...skip, step: "tool-schemas" as const })));
  if (nextDescription === description && nextParameters === parameters) return tool;
  const next = { ...tool.function };
  if (nextDescription !== undefined) next.description = nextDescription;
  if (nextParameters !== undefined) next.parameters = nextParameters;
  return { ...tool, function: next };
}

/** Characters of every description string in a tool definition. */
export function toolCharacters(tool: ChatTool): number {
  let total = tool.function.description?.length ?? 0;
  const walk = (schema: unknown): void => {
    if (!isRecord(schema)) return;
    if (typeof schema.description === "string") total += schema.description.length;
    for (const key of SCHEMA_MAPS) if (isRecord(schema[key])) for (const child of Object.values(schema[key])) walk(child);
    for (const key of SCHEMA_VALUES) walk(schema[key]);
    for (const key of SCHEMA_LISTS) if (Array.isArray(schema[key])) for (const child of schema[key]) walk(child);
  };
  walk(tool.function.parameters);
  return total;
}

/** `characters`: toolCharacters, or the caller's record of it for the tools it has already counted. */
export function compressTools(tools: ChatTool[], stats: CompressionStats, characters: (tool: ChatTool) => number = toolCharacters): ChatTool[] {
  let changed = false;
  const result = tools.map((tool, index) => {
    if (toolCarriesCacheMark(tool)) return tool;
    const where = `tools[${index}]`;
    try {
      const next = compressTool(tool, stats, where);
      if (next === tool) return tool;
      recordTransform(stats, "tool-schemas", characters(tool) - characters(next));
      changed = true;
      return next;
    } catch {
      stats.skipped.push({ step: "tool-schemas", where });
      return tool;
    }
  });
  return changed ? result : tools;
}
