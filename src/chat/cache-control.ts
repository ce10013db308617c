import { z } from "zod";

/**
 * A prompt-cache breakpoint in Anthropic's form, `{type: "ephemeral", ttl?: "5m" | "1h"}`: the
 * prefix up to the marked item is cached. It rides, as `cache_control`, on the items Anthropic
 * marks: content parts (user, system and tool-result text, images, documents), tool messages (the
 * tool_result block), tool calls (tool_use blocks) and tool definitions. The Anthropic door puts
 * the client's marks there; OpenRouter-style OpenAI clients send them on parts themselves. The
 * Anthropic provider sends them on; OpenAI proper rejects them, so its provider leaves them out.
 */
export interface CacheControl {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

export const cacheControlSchema = z.object({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });

/** An item's `cache_control`, read typed; a mark of another shape is none (it passes on untouched where marks are not read). */
export function cacheControlOf(value: unknown): CacheControl | undefined {
  if (value == null) return undefined;
  const parsed = cacheControlSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** `{cache_control}` to spread into an upstream item when the source's `cache_control` is a mark, else nothing. */
export function withCacheControl(value: unknown): { cache_control?: CacheControl } {
  const mark = cacheControlOf(value);
  return mark ? { cache_control: mark } : {};
}
