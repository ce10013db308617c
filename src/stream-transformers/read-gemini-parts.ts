/**
 * The parts of a Gemini candidate as the pieces an OpenAI message is made of. Shared by the
 * non-streaming response mapper and the stream transformer so both read parts the same way:
 * `thought: true` text is reasoning (never content), a `functionCall` is a whole tool call with
 * its arguments serialised once, and parts the proxy never asks for (code execution, inline
 * media) are skipped. Returns undefined when the parts are not the shape Gemini sends.
 */
export type GeminiPiece =
  | { kind: "content"; text: string }
  | { kind: "reasoning"; text: string }
  | { kind: "tool_call"; name: string; arguments: string; signature?: string };

export function readGeminiParts(parts: unknown): GeminiPiece[] | undefined {
  if (parts === undefined) return [];
  if (!Array.isArray(parts)) return undefined;
  const pieces: GeminiPiece[] = [];
  for (const part of parts) {
    if (!part || typeof part !== "object") return undefined;
    const { text, thought, functionCall, thoughtSignature } = part as Record<string, unknown>;
    if (functionCall !== undefined) {
      const call = functionCall as { name?: unknown; args?: unknown } | null;
      if (!call || typeof call.name !== "string" || call.name === "") return undefined;
      const piece: GeminiPiece = { kind: "tool_call", name: call.name, arguments: JSON.stringify(call.args ?? {}) };
      if (typeof thoughtSignature === "string") piece.signature = thoughtSignature;
      pieces.push(piece);
    } else if (typeof text === "string") {
      if (text !== "") pieces.push({ kind: thought === true ? "reasoning" : "content", text });
    } else if (text !== undefined) {
      return undefined;
    }
  }
  return pieces;
}

/** Why Gemini refused to answer at all (`promptFeedback.blockReason`), as a refusal message. */
export function blockedPromptMessage(reason: string): string {
  return `Gemini blocked the prompt (${reason}).`;
}
