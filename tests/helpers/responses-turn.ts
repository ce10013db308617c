import type OpenAI from "openai";
import type { Response as ResponsesResponse, ResponseInputItem, Tool } from "openai/resources/responses/responses";

/**
 * One turn through the official `openai` client's Responses API, streamed or not, reduced to what
 * the client ends up with, so every provider can be held to the same assertions. A streamed turn
 * is read event by event (sequence numbers must count up from 0, exactly one terminal event) and
 * its response is the one the terminal event carries.
 */
export interface ResponsesTurn {
  provider: string | null;
  model: string | null;
  taskId: string | null;
  response: ResponsesResponse;
  /** Streams only: every event type in order. */
  eventTypes: string[];
}

export interface ResponsesTurnRequest {
  model: string;
  input: string | ResponseInputItem[];
  tools?: Tool[];
  stream: boolean;
  extra?: Record<string, unknown>;
}

const terminal = new Set(["response.completed", "response.incomplete", "response.failed"]);

export async function runResponsesTurn(client: OpenAI, request: ResponsesTurnRequest): Promise<ResponsesTurn> {
  const body = { model: request.model, input: request.input, ...(request.tools ? { tools: request.tools } : {}), ...request.extra };
  if (!request.stream) {
    const { data, response } = await client.responses.create({ ...body, stream: false } as OpenAI.Responses.ResponseCreateParamsNonStreaming).withResponse();
    return { provider: response.headers.get("x-provider"), model: response.headers.get("x-model"), taskId: response.headers.get("x-task-id"), response: data, eventTypes: [] };
  }
  const { data: stream, response } = await client.responses.create({ ...body, stream: true } as OpenAI.Responses.ResponseCreateParamsStreaming).withResponse();
  const eventTypes: string[] = [];
  let final: ResponsesResponse | undefined;
  for await (const event of stream) {
    if (event.sequence_number !== eventTypes.length) throw new Error(`event ${event.type} has sequence_number ${event.sequence_number}, expected ${eventTypes.length}`);
    eventTypes.push(event.type);
    if (terminal.has(event.type)) {
      if (final) throw new Error("two terminal events");
      final = (event as { response: ResponsesResponse }).response;
    }
  }
  if (!final) throw new Error(`the stream ended without a terminal event: ${eventTypes.join(", ")}`);
  return { provider: response.headers.get("x-provider"), model: response.headers.get("x-model"), taskId: response.headers.get("x-task-id"), response: final, eventTypes };
}

/** The answer's text, as the SDK's `output_text` has it (streamed responses carry no output_text of their own). */
export function outputText(response: ResponsesResponse): string {
  return response.output
    .flatMap((item) => (item.type === "message" ? item.content : []))
    .map((part) => (part.type === "output_text" ? part.text : ""))
    .join("");
}
