import { OPENAI_RESPONSES_REASONING_FORMAT, type ReasoningDetail, reasoningDetailsSchema } from "../../chat/reasoning-details";

/**
 * A reasoning item's `encrypted_content` is the one place a Responses client keeps reasoning state
 * and sends it back verbatim (Codex asks for it with `include: ["reasoning.encrypted_content"]`
 * and `store: false`). The proxy puts there the turn's `reasoning_details` — whichever upstream
 * produced them (an Anthropic thinking signature, redacted thinking, ...) — as an envelope it
 * recognises when it returns: a prefix and the entries as base64url JSON. On the way back an
 * envelope opens to the same entries, so the upstream that made them gets them back unchanged;
 * any other string is OpenAI's own encrypted reasoning, kept as an `openai-responses-v1` entry.
 */
const PREFIX = "claude-proxy.reasoning.v1:";

export function sealReasoning(details: readonly ReasoningDetail[]): string {
  return PREFIX + Buffer.from(JSON.stringify(details), "utf8").toString("base64url");
}

/** The entries an `encrypted_content` stands for; `itemId` is the reasoning item's id. */
export function openReasoning(encrypted: string, itemId: string | undefined): ReasoningDetail[] {
  if (!encrypted.startsWith(PREFIX)) {
    return [{ type: "reasoning.encrypted", data: encrypted, format: OPENAI_RESPONSES_REASONING_FORMAT, ...(itemId ? { id: itemId } : {}) }];
  }
  try {
    const entries: unknown = JSON.parse(Buffer.from(encrypted.slice(PREFIX.length), "base64url").toString("utf8"));
    const parsed = reasoningDetailsSchema.safeParse(entries);
    return parsed.success ? parsed.data : [];
  } catch {
    // A damaged envelope carries no usable state; the turn goes on without it.
    return [];
  }
}
