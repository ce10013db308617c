import type OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";

/**
 * One chat turn through the official `openai` client, streamed or not, reduced to what the client
 * ends up with, so the provider matrix can hold every provider to the same assertions. A stream's
 * tool-call deltas are joined per index the way the SDK's own accumulator does (id and type from
 * the first delta that carries them, name and arguments concatenated), so a provider that repeats
 * a name shows up as a wrong value rather than being papered over; an id that changes mid-stream throws.
 */
export interface ClientToolCall {
  id: string | undefined;
  type: string | undefined;
  name: string;
  arguments: string;
}

export interface ClientTurn {
  provider: string | null;
  model: string | null;
  /** The answer's text; null when there was none (a non-streaming `content: null`, or a stream without content pieces). */
  content: string | null;
  /** Every role the client was told (non-streaming: the message's; streaming: each delta.role). */
  roles: string[];
  /** Streaming: the distinct chunk ids (OpenAI keeps one per completion). */
  chunkIds: string[];
  toolCalls: ClientToolCall[];
  /** Every finish_reason the client saw, in order (one for a well-formed answer). */
  finishReasons: string[];
  usage: CompletionUsage | undefined;
  /** Streams only: how many chunks carried usage. */
  usageChunks: number;
  /** Streams only: the last chunk carried the usage and no choices, as OpenAI sends it. */
  usageLast: boolean;
  /** Streams only: how many chunks carried a piece of content. */
  contentChunks: number;
}

export interface TurnRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  stream: boolean;
}

export async function runTurn(client: OpenAI, request: TurnRequest): Promise<ClientTurn> {
  const base = { model: request.model, messages: request.messages, tools: request.tools };
  if (!request.stream) {
    const { data, response } = await client.chat.completions.create({ ...base, stream: false }).withResponse();
    const choice = data.choices[0];
    const toolCalls = (choice?.message.tool_calls ?? []).map((call) => ({
      id: call.id,
      type: call.type,
      name: call.type === "function" ? call.function.name : "",
      arguments: call.type === "function" ? call.function.arguments : "",
    }));
    return {
      provider: response.headers.get("x-provider"),
      model: response.headers.get("x-model"),
      content: choice?.message.content ?? null,
      roles: choice ? [choice.message.role] : [],
      chunkIds: [data.id],
      toolCalls,
      finishReasons: choice?.finish_reason ? [choice.finish_reason] : [],
      usage: data.usage,
      usageChunks: 0,
      usageLast: false,
      contentChunks: 0,
    };
  }

  const { data: stream, response } = await client.chat.completions
    .create({ ...base, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  const turn: ClientTurn = {
    provider: response.headers.get("x-provider"),
    model: response.headers.get("x-model"),
    content: null,
    roles: [],
    chunkIds: [],
    toolCalls: [],
    finishReasons: [],
    usage: undefined,
    usageChunks: 0,
    usageLast: false,
    contentChunks: 0,
  };
  const byIndex = new Map<number, ClientToolCall>();
  for await (const chunk of stream) {
    if (!turn.chunkIds.includes(chunk.id)) turn.chunkIds.push(chunk.id);
    turn.usageLast = Boolean(chunk.usage) && chunk.choices.length === 0;
    if (chunk.usage) {
      turn.usage = chunk.usage;
      turn.usageChunks++;
    }
    for (const choice of chunk.choices) {
      if (choice.delta.role) turn.roles.push(choice.delta.role);
      if (choice.delta.content) {
        turn.content = (turn.content ?? "") + choice.delta.content;
        turn.contentChunks++;
      }
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = byIndex.get(delta.index) ?? { id: undefined, type: undefined, name: "", arguments: "" };
        byIndex.set(delta.index, call);
        if (delta.id && call.id !== undefined && delta.id !== call.id) throw new Error(`tool call ${delta.index} changed its id mid-stream: ${call.id} then ${delta.id}`);
        call.id ??= delta.id || undefined;
        call.type ??= delta.type;
        call.name += delta.function?.name ?? "";
        call.arguments += delta.function?.arguments ?? "";
      }
      if (choice.finish_reason) turn.finishReasons.push(choice.finish_reason);
    }
  }
  turn.toolCalls = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return turn;
}
