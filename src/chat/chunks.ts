import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from "./types";

/**
 * The three kinds of chunk the proxy writes itself (stream transformers, the stream observer, the
 * CLI runner, local answers): a one-choice delta, the usage-only chunk (`choices: []`) that ends a
 * stream, and the error chunk that ends a failed one. Built here only, so every stream has the same
 * shape whichever upstream it came from.
 */
export interface ChunkHead {
  id: string;
  created: number;
  model: string;
}

/** The fields of a mid-stream error; the type defaults to upstream_error, the param to null. */
export interface ChunkError {
  message: string;
  code: string | null;
  type?: string;
  param?: string | null;
}

export function deltaChunk(head: ChunkHead, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
  return { id: head.id, object: "chat.completion.chunk", created: head.created, model: head.model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

export function usageChunk(head: ChunkHead, usage: Usage): ChatCompletionChunk {
  return { id: head.id, object: "chat.completion.chunk", created: head.created, model: head.model, choices: [], usage };
}

export function errorChunk(head: ChunkHead, error: ChunkError): ChatCompletionChunk {
  return {
    id: head.id,
    object: "chat.completion.chunk",
    created: head.created,
    model: head.model,
    choices: [],
    error: { message: error.message, type: error.type ?? "upstream_error", code: error.code, param: error.param ?? null },
  };
}
