import { createHash, timingSafeEqual } from "node:crypto";

/**
 * PROXY_API_KEY as the proxy checks it: compared in constant time over SHA-256 digests, so neither
 * the key's content nor its length shows in how long a refusal takes.
 */
export interface AccessKey {
  matches(candidate: string | undefined): boolean;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

export function createAccessKey(key: string): AccessKey {
  const expected = digest(key);
  return {
    matches: (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected),
  };
}

/** The key a client sent: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic's). */
export function presentedKey(headers: Headers): string | undefined {
  const bearer = /^bearer\s+(.+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return bearer?.[1] ?? headers.get("x-api-key")?.trim() ?? undefined;
}
