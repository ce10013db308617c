import { z } from "zod";
import { nameSchema } from "./name-schema";

/**
 * OpenAI chat's tool kinds beyond function tools, as a declared extension (`openai_tools` on the
 * request). The OpenAI door lifts them off the request (doors/openai/openai-request-schema.ts),
 * so `tools` and `tool_choice` keep their plain function-tool shape for every provider:
 * - `tool_choice: {type: "allowed_tools", allowed_tools: {mode, tools}}` restricts the model to
 *   some of the tools while the whole list stays in the prompt (OpenAI's way to keep its prompt
 *   cache). Internally `tools` holds only the allowed function tools and `tool_choice` the mode,
 *   which every provider understands; the left-out function tools wait in `withheld_tools`.
 * - `{type: "custom"}` tools (free text or grammar input) and a `{type: "custom"}` tool_choice
 *   have no equivalent elsewhere: they ride in `custom_tools` and `tool_choice`, and only a
 *   provider with the `customTools` capability (OpenAI) is routed a request carrying them.
 * A provider that takes them (openai-compatible/to-openai-request.ts) puts everything back as the
 * client sent it; the others never read this extension.
 */
export const customToolSchema = z.looseObject({
  type: z.literal("custom"),
  custom: z.looseObject({
    name: nameSchema(),
    description: z.string().optional(),
    format: z.looseObject({ type: z.enum(["text", "grammar"]) }).optional(),
  }),
});

const allowedToolSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) }),
  z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: z.string().min(1) }) }),
]);

export const allowedToolsChoiceSchema = z.looseObject({
  type: z.literal("allowed_tools"),
  allowed_tools: z.looseObject({ mode: z.enum(["auto", "required"]), tools: z.array(allowedToolSchema).min(1) }),
});

export const customToolChoiceSchema = z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: z.string().min(1) }) });

export const openaiToolsSchema = z.object({
  custom_tools: z.array(customToolSchema).optional(),
  /** The client's tool_choice when it was one of the kinds above. */
  tool_choice: z.union([allowedToolsChoiceSchema, customToolChoiceSchema]).optional(),
  /** Function tools an allowed_tools choice left out of `tools`, as the client sent them. */
  withheld_tools: z.array(z.record(z.string(), z.unknown())).optional(),
});

export type OpenAITools = z.infer<typeof openaiToolsSchema>;
export type CustomTool = z.infer<typeof customToolSchema>;
export type AllowedToolsChoice = z.infer<typeof allowedToolsChoiceSchema>;

/** The tool name an allowed_tools entry names. */
export function allowedToolName(entry: AllowedToolsChoice["allowed_tools"]["tools"][number]): string {
  return entry.type === "function" ? entry.function.name : entry.custom.name;
}

/** Whether a request needs a provider that takes OpenAI's custom tools. */
export function needsCustomTools(extension: OpenAITools | undefined): boolean {
  return Boolean(extension?.custom_tools?.length) || extension?.tool_choice?.type === "custom";
}
