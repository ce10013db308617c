import { z } from "zod";
import { reasoningEfforts } from "../../chat/reasoning-effort";
import { modelNameSchema } from "../../chat/request-schema";

/**
 * The OpenAI Responses request (`POST /v1/responses`) as the door accepts it: strict where the
 * translation depends on a shape (input items, tools, tool_choice, text.format, numeric fields),
 * tolerant of the rest. Fields the door does not use (prompt_cache_key, client_metadata,
 * service_tier, safety_identifier, ... — Codex sends several) are accepted and left out of the
 * internal request. Input items and tools are checked one by one in to-chat-messages.ts and
 * to-chat-tools.ts, so an error names the item (`input[3].type`) and lists what is supported.
 */

const item = z.looseObject({ type: z.string().min(1).optional() });

const tool = z.looseObject({ type: z.string().min(1) });

const toolChoice = z.union([z.enum(["none", "auto", "required"]), z.looseObject({ type: z.string().min(1) })], {
  error: 'must be "none", "auto", "required" or an object with a type ({"type": "function", "name": …}, {"type": "allowed_tools", …})',
});

const textFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: modelNameSchema,
  input: z.union([z.string(), z.array(item).min(1, "input must contain at least one item")]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  max_tool_calls: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  reasoning: z
    .looseObject({
      effort: z.enum(reasoningEfforts).nullish(),
      summary: z.enum(["auto", "concise", "detailed"]).nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: textFormat.optional(), verbosity: z.string().nullish() }).nullish(),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  include: z.array(z.string()).nullish(),
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullish(),
  prompt: z.unknown().optional(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof item>;
export type ResponsesTool = z.infer<typeof tool>;
export type ResponsesToolChoice = z.infer<typeof toolChoice>;
export type ResponsesTextFormat = z.infer<typeof textFormat>;
