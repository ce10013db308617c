import { errorChunk } from "../../chat/chunks";
import type { ChatCompletionChunk, ChunkDelta } from "../../chat/types";
import type { RequiredCall } from "./client-tool-plan";

/**
 * Holds a run to the client's `tool_choice` and `parallel_tool_calls`, which the CLI cannot be told
 * except in words (client-tool-plan.ts):
 * - when a call is required, nothing is passed on until the first tool call arrives; an answer
 *   that ends without one becomes an error instead (nothing was sent yet, so the router may try
 *   another model);
 * - with at most one call allowed, the deltas of any later call are dropped (`onDropped` is told).
 */
export interface ToolChoiceRules {
  required: RequiredCall | undefined;
  atMostOne: boolean;
}

export function createToolChoiceCheck(rules: ToolChoiceRules, onDropped: () => void = () => {}): TransformStream<ChatCompletionChunk, ChatCompletionChunk> {
  const held: ChatCompletionChunk[] = [];
  let called = rules.required === undefined;
  let failed = false;
  let droppedReported = false;

  const limit = (chunk: ChatCompletionChunk): ChatCompletionChunk | undefined => {
    const choice = chunk.choices[0];
    const calls = choice?.delta.tool_calls;
    if (!rules.atMostOne || !choice || !calls || calls.every((call) => call.index === 0)) return chunk;
    if (!droppedReported) onDropped();
    droppedReported = true;
    const kept = calls.filter((call) => call.index === 0);
    const delta: ChunkDelta = { ...choice.delta };
    if (kept.length > 0) delta.tool_calls = kept;
    else delete delta.tool_calls;
    if (Object.keys(delta).length === 0 && choice.finish_reason === null) return undefined;
    return { ...chunk, choices: [{ ...choice, delta }] };
  };

  return new TransformStream<ChatCompletionChunk, ChatCompletionChunk>({
    transform(incoming, controller) {
      if (failed) return;
      const chunk = incoming.error ? incoming : limit(incoming);
      if (!chunk) return;
      if (called) return controller.enqueue(chunk);
      if (chunk.error) {
        failed = true;
        return controller.enqueue(chunk);
      }
      if (chunk.choices[0]?.delta.tool_calls?.length) {
        called = true;
        for (const waiting of held.splice(0)) controller.enqueue(waiting);
        return controller.enqueue(chunk);
      }
      const final = chunk.choices.length === 0 || chunk.choices[0]?.finish_reason != null;
      if (!final) return void held.push(chunk);
      failed = true;
      const wanted = rules.required?.kind === "named" ? `a call of '${rules.required.name}'` : "a tool call";
      controller.enqueue(
        errorChunk(chunk, {
          message: `tool_choice required ${wanted}, but the model answered through the Claude CLI without one.`,
          code: "tool_choice_unmet",
        }),
      );
    },
    flush(controller) {
      for (const waiting of held.splice(0)) controller.enqueue(waiting);
    },
  });
}
