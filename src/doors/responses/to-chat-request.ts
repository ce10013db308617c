import type { ChatRequest } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";
import type { ResponsesRequest, ResponsesTextFormat } from "./responses-request-schema";
import type { MessageOrigin } from "./client-params";
import { toChatMessages } from "./to-chat-messages";
import { toChatTools } from "./to-chat-tools";
import type { ToolNames } from "./tool-names";

/**
 * A Responses request as the internal chat request, built field by field so nothing
 * Responses-only leaks to an upstream: input and instructions → messages; tools and tool_choice →
 * chat tools; max_output_tokens → max_completion_tokens; reasoning.effort → reasoning_effort;
 * text.format → response_format; temperature, top_p, parallel_tool_calls, user and metadata as
 * they are. Dropped with a debug line: store (nothing is stored), truncation, max_tool_calls,
 * text.verbosity, include (read by the encoder) and the client's own bookkeeping fields.
 * Refused with a 400: previous_response_id and conversation (the proxy keeps no responses: send
 * the whole conversation, as Codex does), background and prompt templates (both need OpenAI's storage).
 */
export interface TranslatedRequest {
  request: ChatRequest;
  names: ToolNames;
  /** Where each message came from in the client's request, for errors raised on the internal one. */
  origins: MessageOrigin[];
}

function refuseStoredState(request: ResponsesRequest): void {
  const refuse = (param: string, what: string) => {
    throw invalidRequest(
      `${param} is not supported: ${what} needs responses stored on the server, and this proxy stores none. Send the whole conversation in \`input\` (with store: false, as Codex does).`,
      param,
      "unsupported_parameter",
    );
  };
  if (request.previous_response_id) refuse("previous_response_id", "continuing a previous response");
  if (request.conversation != null) refuse("conversation", "a conversation object");
  if (request.background) refuse("background", "a background response");
  if (request.prompt != null) refuse("prompt", "a stored prompt template");
}

function toResponseFormat(format: ResponsesTextFormat | undefined): ChatRequest["response_format"] {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  return {
    type: "json_schema",
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description !== undefined ? { description: format.description } : {}),
      ...(format.strict != null ? { strict: format.strict } : {}),
    },
  };
}

export function toChatRequest(source: ResponsesRequest, logger: Logger): TranslatedRequest {
  refuseStoredState(source);
  const { tools, tool_choice: toolChoice, names } = toChatTools(source.tools, source.tool_choice, logger);
  const { messages, origins } = toChatMessages(source.input, source.instructions);
  const request: ChatRequest = { model: source.model, messages };
  if (source.stream) request.stream = true;
  if (tools) request.tools = tools;
  if (toolChoice) request.tool_choice = toolChoice;
  if (tools && source.parallel_tool_calls != null) request.parallel_tool_calls = source.parallel_tool_calls;
  if (source.max_output_tokens != null) request.max_completion_tokens = source.max_output_tokens;
  if (source.temperature != null) request.temperature = source.temperature;
  if (source.top_p != null) request.top_p = source.top_p;
  if (source.reasoning?.effort) request.reasoning_effort = source.reasoning.effort;
  const responseFormat = toResponseFormat(source.text?.format);
  if (responseFormat) request.response_format = responseFormat;
  if (source.user) request.user = source.user;
  if (source.metadata) request.metadata = source.metadata;

  const dropped: string[] = (["store", "truncation", "max_tool_calls", "include"] as const).filter((field) => source[field] != null);
  if (source.text?.verbosity != null) dropped.push("text.verbosity");
  if (dropped.length > 0) logger.debug("responses door: fields with no chat counterpart left out", { fields: dropped });
  return { request, names, origins };
}
