import { type FunctionDeclaration, FunctionCallingConfigMode, type Tool, type ToolConfig } from "@google/genai";
import type { ChatRequest, ChatTool } from "../../chat/request-schema";

/**
 * Client tools as Gemini function declarations, and tool_choice as a function-calling config.
 * Parameters go in `parametersJsonSchema` (full JSON Schema: `$ref`/`$defs`, `anyOf`,
 * `additionalProperties` are understood) rather than `parameters`, whose OpenAPI subset rejects
 * much of what coding tools send. Only `$schema`, a meta keyword Gemini refuses, is removed, and
 * an object schema without properties is left out (a function without parameters).
 */
export function toGeminiTools(tools: ChatRequest["tools"]): Tool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return [{ functionDeclarations: tools.map(toFunctionDeclaration) }];
}

function toFunctionDeclaration(tool: ChatTool): FunctionDeclaration {
  const declaration: FunctionDeclaration = { name: tool.function.name };
  if (tool.function.description) declaration.description = tool.function.description;
  const parameters = tool.function.parameters;
  if (parameters && !isEmptyObjectSchema(parameters)) declaration.parametersJsonSchema = withoutMetaKeywords(parameters);
  return declaration;
}

export function withoutMetaKeywords(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutMetaKeywords);
  if (!schema || typeof schema !== "object") return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$schema") continue;
    result[key] = withoutMetaKeywords(value);
  }
  return result;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const keys = Object.keys(schema).filter((key) => key !== "$schema" && key !== "additionalProperties");
  const properties = schema.properties as Record<string, unknown> | undefined;
  const noProperties = !properties || Object.keys(properties).length === 0;
  return schema.type === "object" && noProperties && keys.every((key) => key === "type" || key === "properties" || key === "required");
}

export function toGeminiToolConfig(toolChoice: ChatRequest["tool_choice"]): ToolConfig | undefined {
  if (!toolChoice) return undefined;
  if (toolChoice === "auto") return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
  if (toolChoice === "none") return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
  if (toolChoice === "required") return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
  return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [toolChoice.function.name] } };
}
