import { OldestKeys } from "../../cache/oldest-keys";

/**
 * Gemini's thinking models attach an opaque `thoughtSignature` to function calls and want it back
 * when the call is replayed in the history (Gemini 3 rejects a replayed call without one). OpenAI
 * clients only echo the tool call id, so the provider remembers signatures by id. Ids are not
 * stretched to carry them: the history may later be routed to a provider that limits id length.
 * Bounded, oldest first out; a signature that was forgotten falls back to Google's documented
 * `skip_thought_signature_validator` sentinel where one is required.
 */
export const SKIP_SIGNATURE_VALIDATOR = "skip_thought_signature_validator";

export class ThoughtSignatureStore {
  private readonly signatures = new Map<string, string>();
  private readonly oldest = new OldestKeys(this.signatures);

  constructor(private readonly limit = 10_000) {}

  remember(toolCallId: string, signature: string): void {
    this.signatures.delete(toolCallId);
    this.signatures.set(toolCallId, signature);
    if (this.signatures.size > this.limit) {
      const oldest = this.oldest.next();
      if (oldest !== undefined) this.signatures.delete(oldest);
    }
  }

  recall(toolCallId: string): string | undefined {
    return this.signatures.get(toolCallId);
  }
}

/** Gemini 3 and later refuse replayed function calls without a signature; 2.x models accept them. */
export function requiresThoughtSignature(model: string): boolean {
  const major = /^(?:models\/)?gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}
