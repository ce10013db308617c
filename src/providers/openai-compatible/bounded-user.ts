import { createHash } from "node:crypto";

/**
 * OpenAI takes a `user` of at most 64 characters (OpenRouter 128) and answers a longer one with a
 * 400. Claude Code's metadata.user_id, which the Anthropic door passes on as `user`, is a JSON
 * object of about 150. A longer value goes out as a digest of itself: the upstream still tells
 * users apart (its abuse monitoring, its prompt-cache routing), and no request fails for it.
 */
export const MAX_USER_LENGTH = 64;

export function boundedUser(user: string): string {
  if (user.length <= MAX_USER_LENGTH) return user;
  return `sha256:${createHash("sha256").update(user).digest("hex").slice(0, 48)}`;
}
