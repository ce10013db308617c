import type { ChatRequest } from "../chat/request-schema";
import { messageText } from "../chat/request-schema";

/**
 * Which conversation a request belongs to, so `/feedback` can find the previous answer: the
 * client's `x-session-id` header, else its `user` field, else a fingerprint of the conversation's
 * opening (first system and first user message), which stays the same as the conversation grows.
 */
export function sessionKey(request: ChatRequest, sessionHeader: string | null | undefined): string {
  if (sessionHeader) return `header:${sessionHeader.slice(0, 200)}`;
  if (request.user) return `user:${request.user.slice(0, 200)}`;
  const system = request.messages.find((message) => message.role === "system" || message.role === "developer");
  const firstUser = request.messages.find((message) => message.role === "user");
  const opening = `${messageText(system?.content ?? null).slice(0, 4096)}\u0000${messageText(firstUser?.content ?? null).slice(0, 4096)}`;
  return `opening:${Bun.hash(opening).toString(36)}`;
}
