/**
 * The benchmark's small request: a short system prompt and a ~1 KB question about a function,
 * then a numbered line so that every body is a new question (a cache miss). One definition for
 * every bench script that sends it.
 */
export const benchMessages = [
  { role: "system", content: "You are a careful senior engineer. Answer briefly and precisely." },
  { role: "user", content: `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}` },
];

let sequence = 0;

/** A new small request body each call; `stream` asks for a streamed answer. */
export function benchBody(options: { stream?: boolean } = {}): string {
  return JSON.stringify({
    model: "gpt-4o-mini",
    temperature: 0.2,
    ...(options.stream ? { stream: true } : {}),
    messages: [...benchMessages, { role: "user", content: `Request ${++sequence}.` }],
  });
}
