import { ProxyError, type ProxyErrorType } from "../errors";
import { appendReasoningDetails, type ReasoningDetail } from "./reasoning-details";
import type { AssistantMessage, ChatCompletion, ChatCompletionChunk, FinishReason, ToolCall, Usage } from "./types";

interface ChoiceDraft {
  content: string;
  reasoning: string;
  reasoningDetails: ReasoningDetail[];
  refusal: string | null;
  toolCalls: Map<number, ToolCall>;
  finishReason: FinishReason | null;
  /** The upstream's own stop reason and matched stop sequence (types.ts), kept for a replay. */
  nativeFinishReason?: string;
  stopSequence?: string;
}

const knownErrorTypes = new Set<ProxyErrorType>(["upstream_error", "timeout_error", "rate_limit_error", "authentication_error", "permission_error"]);

/**
 * Assembles the one ChatCompletion a chunk sequence amounts to, one chunk at a time: content,
 * reasoning and refusal concatenated, reasoning details folded by index, tool-call deltas merged
 * by index (id and name from the first delta that has them, arguments appended), the last finish
 * reason and usage. An error chunk throws a ProxyError (nothing reached the client yet, so another
 * model may still be tried). Synchronous, so an array of kept chunks needs no stream to assemble.
 */
export class ChunkAssembler {
  private readonly choices = new Map<number, ChoiceDraft>();
  private head: Pick<ChatCompletion, "id" | "created" | "model"> | undefined;
  private systemFingerprint: string | null | undefined;
  private usage: Usage | undefined;

  /** Adds one chunk; throws a ProxyError for an error chunk. */
  add(chunk: ChatCompletionChunk): void {
    if (chunk.error) {
      const type = knownErrorTypes.has(chunk.error.type as ProxyErrorType) ? (chunk.error.type as ProxyErrorType) : "upstream_error";
      throw new ProxyError(type === "rate_limit_error" ? 429 : type === "timeout_error" ? 504 : 502, chunk.error.message, {
        type,
        code: chunk.error.code,
        retryable: true,
      });
    }
    this.head ??= { id: chunk.id, created: chunk.created, model: chunk.model };
    if (chunk.system_fingerprint !== undefined) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      let draft = this.choices.get(choice.index);
      if (!draft) {
        draft = { content: "", reasoning: "", reasoningDetails: [], refusal: null, toolCalls: new Map(), finishReason: null };
        this.choices.set(choice.index, draft);
      }
      const delta = choice.delta ?? {};
      if (delta.content) draft.content += delta.content;
      if (delta.reasoning_content) draft.reasoning += delta.reasoning_content;
      if (delta.reasoning_details) appendReasoningDetails(draft.reasoningDetails, delta.reasoning_details);
      if (delta.refusal) draft.refusal = (draft.refusal ?? "") + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        const existing = draft.toolCalls.get(call.index);
        if (existing) {
          if (call.id && !existing.id) existing.id = call.id;
          if (call.function?.name && !existing.function.name) existing.function.name = call.function.name;
          existing.function.arguments += call.function?.arguments ?? "";
        } else {
          draft.toolCalls.set(call.index, {
            id: call.id ?? "",
            type: "function",
            function: { name: call.function?.name ?? "", arguments: call.function?.arguments ?? "" },
          });
        }
      }
      if (choice.finish_reason) draft.finishReason = choice.finish_reason;
      if (choice.native_finish_reason) draft.nativeFinishReason = choice.native_finish_reason;
      if (choice.stop_sequence !== undefined) draft.stopSequence = choice.stop_sequence;
    }
  }

  /** The completion of every chunk added; throws when none was. */
  completion(): ChatCompletion {
    const head = this.head;
    if (!head) throw new ProxyError(502, "The upstream ended its stream without an answer.", { type: "upstream_error", code: "empty_stream", retryable: true });
    const completion: ChatCompletion = {
      ...head,
      object: "chat.completion",
      choices: [...this.choices.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, draft]) => {
          const message: AssistantMessage = { role: "assistant", content: draft.content === "" && draft.toolCalls.size > 0 ? null : draft.content, refusal: draft.refusal };
          if (draft.reasoning !== "") message.reasoning_content = draft.reasoning;
          if (draft.reasoningDetails.length > 0) message.reasoning_details = draft.reasoningDetails;
          if (draft.toolCalls.size > 0) message.tool_calls = [...draft.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
          const choice: ChatCompletion["choices"][number] = { index, message, finish_reason: draft.finishReason, logprobs: null };
          if (draft.nativeFinishReason) choice.native_finish_reason = draft.nativeFinishReason;
          if (draft.stopSequence !== undefined) choice.stop_sequence = draft.stopSequence;
          return choice;
        }),
    };
    if (this.systemFingerprint !== undefined) completion.system_fingerprint = this.systemFingerprint;
    if (this.usage) completion.usage = this.usage;
    return completion;
  }
}

/** An array of chunks (a stream's kept chunks) as one completion. */
export function assembleChunks(chunks: Iterable<ChatCompletionChunk>): ChatCompletion {
  const assembler = new ChunkAssembler();
  for (const chunk of chunks) assembler.add(chunk);
  return assembler.completion();
}

/** A stream's whole answer, made when asked for: throws when the stream gave none (or one it could not assemble). */
export interface AssembledAnswer {
  completion(): ChatCompletion;
}

/**
 * A stream's answer assembled as its chunks pass (the stream observer adds each one), instead of
 * keeping every chunk object until the stream ends: the same completion assembleChunks makes of the
 * same chunks, but an open stream holds the assembled text, not ~6 objects a chunk that outlive the
 * collections during the stream and die old. A chunk the assembler cannot take is not thrown at the
 * stream (its client is unaffected): completion() throws that error, as assembleChunks would have.
 */
export class StreamedAnswer implements AssembledAnswer {
  private readonly assembler = new ChunkAssembler();
  private failure: { error: unknown } | undefined;

  add(chunk: ChatCompletionChunk): void {
    if (this.failure) return;
    try {
      this.assembler.add(chunk);
    } catch (error) {
      this.failure = { error };
    }
  }

  /** The completion of every chunk added; throws when none was, or what the first chunk it could not take threw. */
  completion(): ChatCompletion {
    if (this.failure) throw this.failure.error;
    return this.assembler.completion();
  }
}
