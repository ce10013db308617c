import type { ReasoningDetail } from "../../chat/reasoning-details";
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta, Usage } from "../../chat/types";
import { sealReasoning } from "./reasoning-envelope";
import { type ResponseContext, baseResponse, endingOf, itemId, toResponsesUsage } from "./response-object";
import type { ItemStatus, MessageItem, OutputItem, ReasoningItem, ResponseObject, ResponsesEvent } from "./responses-wire";
import { type ToolCallState, closeToolCall, openToolCall } from "./tool-call-items";

/**
 * Builds one response from internal chunks, in the Responses API's own order, and tells `emit`
 * each event as it goes (the stream encoder writes them; the non-stream encoder ignores them and
 * keeps the finished response, so both paths give the same output). An output item is opened when
 * its first piece arrives and closed when another kind of output begins or the answer ends:
 *   reasoning (reasoning_content, reasoning_details) → a `reasoning` item: its text as a summary
 *     when the client asked for summaries, its state sealed into `encrypted_content` when it
 *     asked for that (reasoning-envelope.ts);
 *   content and refusal → one assistant `message` item with an output_text and a refusal part;
 *   each tool call (by its index) → a `function_call` or `custom_tool_call` item (tool-call-items.ts).
 * The terminal event is response.completed, or response.incomplete when the answer was cut
 * (max tokens, content filter), or response.failed followed by `error` for a mid-stream failure.
 */
/** Gets each event as it happens; the event holds live items, so it is written out (or copied) within the call. */
export type EmitEvent = (event: ResponsesEvent) => void;

interface MessageState {
  item: MessageItem;
  index: number;
  text?: { content: number; value: string };
  refusal?: { content: number; value: string };
}

interface ReasoningState {
  item: ReasoningItem;
  index: number;
  text: string;
  summaryOpen: boolean;
  details: ReasoningDetail[];
}

export class ResponseBuilder {
  private readonly output: OutputItem[] = [];
  private message?: MessageState;
  private reasoning?: ReasoningState;
  private readonly toolCalls = new Map<number, ToolCallState>();
  private started = false;
  private ended = false;
  private model = "";
  private usage: Usage | null | undefined;
  private finishReason: FinishReason | null = null;
  /** How the response ended: status, incomplete_details, error. */
  private ending: Partial<ResponseObject> = {};

  constructor(
    private readonly context: ResponseContext,
    private readonly emit: EmitEvent,
  ) {}

  /** Takes one internal chunk (an error chunk fails the response). */
  add(chunk: ChatCompletionChunk): void {
    if (this.ended) return;
    this.start(chunk.model);
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      this.addDelta(choice.delta);
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    if (chunk.error) this.fail(chunk.error);
  }

  /** Ends the response as the finish reason says: completed, or incomplete when cut short. */
  finish(): void {
    if (this.ended) return;
    this.start(this.model);
    const ending = endingOf(this.finishReason);
    this.closeAll(ending.status === "incomplete" ? "incomplete" : "completed");
    this.ended = true;
    this.ending = ending;
    this.emit({ type: ending.status === "incomplete" ? "response.incomplete" : "response.completed", response: this.snapshot() });
  }

  /** The response as it stands (complete after finish). */
  response(): ResponseObject {
    return this.snapshot();
  }

  private start(model: string): void {
    if (this.started) return;
    this.started = true;
    this.model = model;
    const response = this.snapshot();
    this.emit({ type: "response.created", response });
    this.emit({ type: "response.in_progress", response });
  }

  private fail(error: NonNullable<ChatCompletionChunk["error"]>): void {
    this.ended = true;
    const failure = { code: error.type === "rate_limit_error" ? "rate_limit_exceeded" : "server_error", message: error.message };
    this.ending = { status: "failed", error: failure };
    this.emit({ type: "response.failed", response: this.snapshot() });
    this.emit({ type: "error", code: error.code ?? error.type, message: error.message, param: error.param });
  }

  private snapshot(): ResponseObject {
    const usage = toResponsesUsage(this.usage);
    return { ...baseResponse(this.context, this.model), ...this.ending, output: [...this.output], usage };
  }

  private addDelta(delta: ChunkDelta): void {
    if (delta.reasoning_content) this.addReasoningText(delta.reasoning_content);
    if (delta.reasoning_details?.length) this.openReasoning().details.push(...delta.reasoning_details);
    if (delta.content) this.addText("text", delta.content);
    if (delta.refusal) this.addText("refusal", delta.refusal);
    for (const call of delta.tool_calls ?? []) this.addToolCall(call);
  }

  private push(item: OutputItem): number {
    this.output.push(item);
    const index = this.output.length - 1;
    this.emit({ type: "response.output_item.added", output_index: index, item });
    return index;
  }

  // ---- reasoning ----

  private openReasoning(): ReasoningState {
    if (this.reasoning) return this.reasoning;
    this.closeAll("completed");
    const item: ReasoningItem = { id: itemId("rs"), type: "reasoning", summary: [] };
    this.reasoning = { item, index: this.push(item), text: "", summaryOpen: false, details: [] };
    return this.reasoning;
  }

  private addReasoningText(text: string): void {
    const state = this.openReasoning();
    state.text += text;
    if (!this.context.summaries) return;
    const where = { item_id: state.item.id, output_index: state.index, summary_index: 0 };
    if (!state.summaryOpen) {
      state.summaryOpen = true;
      this.emit({ type: "response.reasoning_summary_part.added", ...where, part: { type: "summary_text", text: "" } });
    }
    this.emit({ type: "response.reasoning_summary_text.delta", ...where, delta: text });
  }

  private closeReasoning(): void {
    const state = this.reasoning;
    if (!state) return;
    this.reasoning = undefined;
    if (state.summaryOpen) {
      const where = { item_id: state.item.id, output_index: state.index, summary_index: 0 };
      this.emit({ type: "response.reasoning_summary_text.done", ...where, text: state.text });
      this.emit({ type: "response.reasoning_summary_part.done", ...where, part: { type: "summary_text", text: state.text } });
      state.item.summary = [{ type: "summary_text", text: state.text }];
    }
    if (this.context.encryptedReasoning && state.details.length > 0) state.item.encrypted_content = sealReasoning(state.details);
    this.emit({ type: "response.output_item.done", output_index: state.index, item: state.item });
  }

  // ---- the assistant message ----

  private addText(kind: "text" | "refusal", piece: string): void {
    if (!this.message) {
      this.closeAll("completed");
      const item: MessageItem = { id: itemId("msg"), type: "message", status: "in_progress", role: "assistant", content: [] };
      this.message = { item, index: this.push(item) };
    }
    const state = this.message;
    const where = { item_id: state.item.id, output_index: state.index };
    let part = state[kind];
    if (!part) {
      part = { content: state.item.content.length, value: "" };
      state[kind] = part;
      const empty = kind === "text" ? { type: "output_text" as const, text: "", annotations: [], logprobs: [] } : { type: "refusal" as const, refusal: "" };
      state.item.content.push(empty);
      this.emit({ type: "response.content_part.added", ...where, content_index: part.content, part: empty });
    }
    part.value += piece;
    if (kind === "text") this.emit({ type: "response.output_text.delta", ...where, content_index: part.content, delta: piece, logprobs: [] });
    else this.emit({ type: "response.refusal.delta", ...where, content_index: part.content, delta: piece });
  }

  private closeMessage(status: ItemStatus): void {
    const state = this.message;
    if (!state) return;
    this.message = undefined;
    const where = { item_id: state.item.id, output_index: state.index };
    for (const kind of ["text", "refusal"] as const) {
      const part = state[kind];
      if (!part) continue;
      const full = kind === "text" ? { type: "output_text" as const, text: part.value, annotations: [], logprobs: [] } : { type: "refusal" as const, refusal: part.value };
      state.item.content[part.content] = full;
      if (kind === "text") this.emit({ type: "response.output_text.done", ...where, content_index: part.content, text: part.value, logprobs: [] });
      else this.emit({ type: "response.refusal.done", ...where, content_index: part.content, refusal: part.value });
      this.emit({ type: "response.content_part.done", ...where, content_index: part.content, part: full });
    }
    state.item.status = status;
    this.emit({ type: "response.output_item.done", ...where, item: state.item });
  }

  // ---- tool calls ----

  private addToolCall(delta: ToolCallDelta): void {
    let state = this.toolCalls.get(delta.index);
    if (!state) {
      // A tool call ends any text or reasoning before it; earlier calls stay open (parallel calls).
      this.closeMessage("completed");
      this.closeReasoning();
      state = openToolCall(delta, this.context.names, (item) => this.push(item));
      this.toolCalls.set(delta.index, state);
    }
    if (state.closed || !delta.function?.arguments) return;
    state.arguments += delta.function.arguments;
    if (state.item.type === "function_call") {
      this.emit({ type: "response.function_call_arguments.delta", item_id: state.item.id, output_index: state.index, delta: delta.function.arguments });
    }
  }

  private closeAll(status: ItemStatus): void {
    this.closeReasoning();
    this.closeMessage(status);
    for (const state of [...this.toolCalls.values()].sort((a, b) => a.index - b.index)) closeToolCall(state, status, this.emit);
  }
}
