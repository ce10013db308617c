import { OPENAI_RESPONSES_REASONING_FORMAT, type ReasoningDetail } from "../../chat/reasoning-details";
import { type ChatMessage, type ChatRequest, messageText } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import { applyWireRules } from "./apply-wire-rules";
import { boundedUser } from "./bounded-user";
import type { ModelWireRules } from "./model-wire-rules";

/**
 * The upstream body for OpenAI's Responses API (`POST /v1/responses`), for models that take tools
 * only there (GPT-6.1, GPT-6.2: `toolsOnResponsesApi` in their rules row). Always streamed, never
 * stored: `store: false` with `include: ["reasoning.encrypted_content"]`, so the model's reasoning
 * comes back as an `openai-responses-v1` reasoning detail and goes out again as a reasoning item
 * on the next turn of a tool loop (the proxy keeps no state between requests).
 * - system/developer messages → input messages of that role; user parts text → input_text,
 *   image_url → input_image, file → input_file;
 * - an assistant turn → its reasoning items (from its openai-responses-v1 details), its text as an
 *   output message, each tool call as a function_call (its id as call_id);
 * - tool messages → function_call_output (its output an array of input parts when it holds media);
 * - tools → function tools (`strict` as the client set it, false otherwise: chat's default, where
 *   the Responses API's own default would be true); tool_choice, parallel_tool_calls,
 *   max_output_tokens, reasoning.effort, text.format, user as they map;
 * - the model's rules row adjusts effort and sampling as on chat completions (apply-wire-rules.ts).
 */
type Item = Record<string, unknown>;

function userPart(part: Record<string, unknown>): Item | undefined {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: String(part.text ?? "") };
    case "image_url": {
      const image = part.image_url as { url?: unknown; detail?: unknown } | string | undefined;
      const url = typeof image === "string" ? image : image?.url;
      const detail = typeof image === "object" && typeof image?.detail === "string" ? image.detail : "auto";
      return typeof url === "string" ? { type: "input_image", image_url: url, detail } : undefined;
    }
    case "file": {
      const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
      return typeof file?.file_data === "string" ? { type: "input_file", file_data: file.file_data, ...(typeof file.filename === "string" ? { filename: file.filename } : {}) } : undefined;
    }
    default:
      return undefined;
  }
}

function inputContent(content: ChatMessage["content"]): string | Item[] {
  if (typeof content === "string" || !content) return content ?? "";
  return content.flatMap((part): Item[] => {
    const mapped = userPart(part);
    return mapped ? [mapped] : [];
  });
}

function toolOutput(content: ChatMessage["content"]): string | Item[] {
  if (!Array.isArray(content) || content.every((part) => part.type === "text")) return messageText(content);
  return inputContent(content);
}

/** Reasoning items from a turn's details: each openai-responses-v1 encrypted entry with the summary of the same id. */
function reasoningItems(details: readonly ReasoningDetail[] | null | undefined): Item[] {
  const own = (details ?? []).filter((detail) => detail.format === OPENAI_RESPONSES_REASONING_FORMAT);
  return own.flatMap((detail) => {
    if (detail.type !== "reasoning.encrypted") return [];
    const summary = own.filter((entry) => entry.type === "reasoning.summary" && entry.id === detail.id).map((entry) => ({ type: "summary_text", text: entry.type === "reasoning.summary" ? entry.summary : "" }));
    return [{ type: "reasoning", ...(detail.id ? { id: detail.id } : {}), summary, encrypted_content: detail.data }];
  });
}

function toInput(messages: readonly ChatMessage[]): Item[] {
  return messages.flatMap((message): Item[] => {
    switch (message.role) {
      case "system":
      case "developer":
        return [{ type: "message", role: message.role, content: messageText(message.content) }];
      case "user":
        return [{ type: "message", role: "user", content: inputContent(message.content) }];
      case "assistant": {
        const text = messageText(message.content);
        return [
          ...reasoningItems(message.reasoning_details),
          ...(text ? [{ type: "message", role: "assistant", content: [{ type: "output_text", text }] }] : []),
          ...(message.tool_calls ?? []).map((call) => ({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments })),
        ];
      }
      case "tool":
        // The output may be an array of input parts: an image or PDF in a tool result stays there.
        return [{ type: "function_call_output", call_id: message.tool_call_id, output: toolOutput(message.content) }];
      case "function":
        return [];
    }
  });
}

function toTextFormat(format: ChatRequest["response_format"]): Item | undefined {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  const schema = format.json_schema as Record<string, unknown> & { name: string };
  return { type: "json_schema", name: schema.name, schema: schema.schema ?? {}, ...(schema.description ? { description: schema.description } : {}), ...(schema.strict != null ? { strict: schema.strict } : {}) };
}

export function toResponsesRequest(request: ChatRequest, model: string, rules: ModelWireRules | undefined, logger: Logger): Record<string, unknown> {
  // The chat-shaped parameters the rules row judges, adjusted as they would be on chat completions.
  const tuned: Record<string, unknown> = { model, reasoning_effort: request.reasoning_effort, temperature: request.temperature, top_p: request.top_p };
  if (rules) applyWireRules(tuned, rules, logger);
  const choice = request.tool_choice;
  const body: Record<string, unknown> = {
    model,
    input: toInput(request.messages),
    stream: true,
    store: false,
    include: ["reasoning.encrypted_content"],
  };
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
      strict: tool.function.strict ?? false,
    }));
  }
  if (choice) body.tool_choice = typeof choice === "string" ? choice : { type: "function", name: choice.function.name };
  if (request.parallel_tool_calls != null) body.parallel_tool_calls = request.parallel_tool_calls;
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit != null) body.max_output_tokens = limit;
  if (tuned.reasoning_effort != null) body.reasoning = { effort: tuned.reasoning_effort };
  if (tuned.temperature != null) body.temperature = tuned.temperature;
  if (tuned.top_p != null) body.top_p = tuned.top_p;
  const format = toTextFormat(request.response_format);
  if (format) body.text = { format };
  if (request.user) body.user = boundedUser(request.user);
  return body;
}
