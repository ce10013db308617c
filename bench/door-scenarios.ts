/**
 * The front doors the benchmark compares: the same request (system prompt, user prompt, the same
 * upstream model and output limit) in each door's wire format, and how to tell a complete answer.
 * Each door in `doorScenarios` is measured against the OpenAI door on the same proxy
 * (bench/compare-doors.ts); another door's scenario is one more entry there.
 */
export interface DoorScenario {
  name: string;
  path: string;
  headers: Record<string, string>;
  bodies: { nonStream: string; stream: string };
  /** A whole non-streaming answer of this door. */
  isAnswer(text: string): boolean;
  /** A stream of this door that ended as it should (not with an error). */
  isCompleteStream(text: string): boolean;
}

const system = "You are a careful senior engineer. Answer briefly and precisely.";
const user = `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}`;
const model = "gpt-4o-mini";
const maxTokens = 1024;

export const openaiDoorScenario: DoorScenario = {
  name: "openai",
  path: "/v1/chat/completions",
  headers: { "content-type": "application/json", authorization: "Bearer bench-client-key" },
  bodies: {
    nonStream: JSON.stringify({ model, max_tokens: maxTokens, messages: [{ role: "system", content: system }, { role: "user", content: user }] }),
    stream: JSON.stringify({ model, max_tokens: maxTokens, messages: [{ role: "system", content: system }, { role: "user", content: user }], stream: true }),
  },
  isAnswer: (text) => text.includes('"chat.completion"'),
  isCompleteStream: (text) => text.endsWith("data: [DONE]\n\n") && !text.includes('"error"'),
};

const anthropicDoorScenario: DoorScenario = {
  name: "anthropic",
  path: "/v1/messages",
  headers: { "content-type": "application/json", "x-api-key": "bench-client-key", "anthropic-version": "2023-06-01" },
  bodies: {
    nonStream: JSON.stringify({ model, max_tokens: maxTokens, system, messages: [{ role: "user", content: user }] }),
    stream: JSON.stringify({ model, max_tokens: maxTokens, system, messages: [{ role: "user", content: user }], stream: true }),
  },
  isAnswer: (text) => text.includes('"type":"message"'),
  isCompleteStream: (text) => text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n') && !text.includes("event: error"),
};

/** The doors measured against the OpenAI door. */
export const doorScenarios: DoorScenario[] = [anthropicDoorScenario];
