import type { ChatMessage, ChatRequest } from "../chat/request-schema";
import { messageText } from "../chat/request-schema";
import { redactSecrets } from "../security/redactor";

/**
 * Which conversation a request belongs to, so `/feedback` can find the previous answer: the
 * client's `x-session-id` header, else its `user` field, else a fingerprint of the conversation's
 * opening (first system and first user message), which stays the same as the conversation grows.
 * The key is stored in the request log: `redact` is the proxy's redactor (security/redactor.ts).
 */
export function sessionKey(request: ChatRequest, sessionHeader: string | null | undefined, redact: (text: string) => string = redactSecrets): string {
  if (sessionHeader) return clientIdKey("header", sessionHeader, redact);
  if (request.user) return clientIdKey("user", request.user, redact);
  const system = request.messages.find((message) => message.role === "system" || message.role === "developer");
  const firstUser = request.messages.find((message) => message.role === "user");
  return openingKey(openingText(system?.content ?? null), openingText(firstUser?.content ?? null));
}

/**
 * A client's own id as a key: as sent (its first 200 characters), unless the redactor would take
 * something out of it (a key sent as a session id): then a one-way digest of the whole id, so two
 * such sessions stay two keys (not one `header:[redacted]`) and the secret is kept nowhere.
 */
function clientIdKey(kind: "header" | "user", id: string, redact: (text: string) => string): string {
  const key = `${kind}:${id.slice(0, 200)}`;
  if (redact(key) === key) return key;
  return `${kind}:sha256:${new Bun.CryptoHasher("sha256").update(id).digest("hex").slice(0, 24)}`;
}

/**
 * The last few openings and their keys. Every request of a conversation repeats its opening, so
 * comparing with these (a length check, or one memcmp on a hit) saves joining and hashing up to
 * 8 KB of text per request (and a cache hit on the fast path, doors/fast-hit.ts, the same).
 */
const recentOpenings: Array<{ system: string; user: string; key: string }> = [];
const REMEMBERED_OPENINGS = 8;

function openingKey(system: string, user: string): string {
  for (const entry of recentOpenings) if (entry.system === system && entry.user === user) return entry.key;
  const key = `opening:${Bun.hash(`${system}\u0000${user}`).toString(36)}`;
  if (recentOpenings.length >= REMEMBERED_OPENINGS) recentOpenings.pop();
  recentOpenings.unshift({ system, user, key });
  return key;
}

/**
 * The conversation id a client sends as a header: `x-session-id` (generic), Claude Code's
 * `X-Claude-Code-Session-Id`, or Codex's `session-id` (0.171.0) / `session_id` (older releases)
 * (read off the shipped binaries). Codex needs it most: every Codex session in a folder opens
 * with the same environment context, so the opening's fingerprint cannot tell them apart.
 */
const SESSION_HEADERS = ["x-session-id", "x-claude-code-session-id", "session-id", "session_id"] as const;

export function sessionHeader(headers: Headers): string | null {
  for (const name of SESSION_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return null;
}

const OPENING_CHARS = 4096;

/** The first OPENING_CHARS characters of a message's text, without joining all of its parts first. */
function openingText(content: ChatMessage["content"]): string {
  if (typeof content === "string" || !content) return messageText(content).slice(0, OPENING_CHARS);
  let text = "";
  for (const part of content) {
    if (text.length >= OPENING_CHARS) break;
    text += messageText([part]);
  }
  return text.slice(0, OPENING_CHARS);
}
