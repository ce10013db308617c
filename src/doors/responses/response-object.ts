import type { FinishReason, Usage } from "../../chat/types";
import type { ResponsesRequest } from "./responses-request-schema";
import type { ResponseObject, ResponsesUsage } from "./responses-wire";
import type { ToolNames } from "./tool-names";

/**
 * What the encoder knows of one request: the response's id and creation time, the request as the
 * client sent it (echoed in the response object, as OpenAI does), how tool names map back, and
 * what the client asked to see (reasoning summaries, encrypted reasoning).
 */
export interface ResponseContext {
  id: string;
  createdAt: number;
  request: ResponsesRequest;
  names: ToolNames;
  /** `reasoning.summary` was set: reasoning text goes out as a summary. */
  summaries: boolean;
  /** `include` has "reasoning.encrypted_content": reasoning state goes out in reasoning items. */
  encryptedReasoning: boolean;
}

export function createResponseContext(id: string, request: ResponsesRequest, names: ToolNames): ResponseContext {
  return {
    id,
    createdAt: Math.floor(Date.now() / 1000),
    request,
    names,
    summaries: request.reasoning?.summary != null,
    encryptedReasoning: request.include?.includes("reasoning.encrypted_content") ?? false,
  };
}

/** The response id for a task: the log row's task id, so one finds the other. */
export function responseIdFor(taskId: string): string {
  return `resp_${taskId.replaceAll("-", "")}`;
}

/** A random id with OpenAI's prefix for an output item (msg_, fc_, ctc_, rs_). */
export function itemId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

export function toResponsesUsage(usage: Usage | null | undefined): ResponsesUsage | null {
  if (!usage) return null;
  return {
    input_tokens: usage.prompt_tokens ?? 0,
    input_tokens_details: {
      cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    },
    output_tokens: usage.completion_tokens ?? 0,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
  };
}

/** How a finished answer ends: cut by the token limit or a content filter is `incomplete`. */
export function endingOf(finishReason: FinishReason | null): Pick<ResponseObject, "status" | "incomplete_details"> {
  if (finishReason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The response object with the request's settings echoed; the caller fills in status, output and usage. */
export function baseResponse(context: ResponseContext, model: string): ResponseObject {
  const request = context.request;
  return {
    id: context.id,
    object: "response",
    created_at: context.createdAt,
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    // Nothing is kept: the response cannot be retrieved or continued later.
    store: false,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: request.truncation ?? "disabled",
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}
