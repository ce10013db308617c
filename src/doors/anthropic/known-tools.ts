import type { z } from "zod";
import { type Fields, isName, isObject, rebuilt } from "../../chat/loose-copy";
import { eachKnownOrChecked } from "../with-known-fields";
import { cacheMark } from "./known-messages";

/**
 * The Messages request's `tools` as messages-schema.ts would output them, the client's own tools
 * (`{name, description?, input_schema: {type: "object", …}, cache_control?, strict?}`, `type`
 * absent, null or "custom") built without zod; any other tool is checked by the schema's own tool
 * schema (`toolSchema`). Undefined when that check fails: the caller then runs the schema on the
 * whole request, and its refusal is zod's.
 */
export function knownAnthropicTools(tools: unknown, toolSchema: z.ZodType): unknown[] | undefined {
  return eachKnownOrChecked(tools, knownTool, toolSchema);
}

const TOOL_KEYS = ["type", "name", "description", "input_schema", "cache_control", "strict"];

function knownTool(tool: unknown): Fields | undefined {
  if (!isObject(tool) || !isName(tool.name, 1)) return undefined;
  if ("type" in tool && tool.type !== null && tool.type !== "custom") return undefined;
  if ("description" in tool && typeof tool.description !== "string") return undefined;
  if ("strict" in tool && typeof tool.strict !== "boolean") return undefined;
  const schema = tool.input_schema;
  if (!isObject(schema) || schema.type !== "object") return undefined;
  const mark = cacheMark(tool);
  if (mark === false) return undefined;
  const inputSchema = rebuilt(schema, ["type"], {});
  return inputSchema && rebuilt(tool, TOOL_KEYS, mark === undefined ? { input_schema: inputSchema } : { input_schema: inputSchema, cache_control: mark });
}
