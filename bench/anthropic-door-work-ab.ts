import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type DoorWork, compareDoorWork } from "./door-work-timing";
import { claudeCodeMessagesBodies } from "./claude-code-messages";

/**
 * `bun run bench/anthropic-door-work-ab.ts <before tree> [bytes] [requests]`: the Anthropic door's
 * work on Claude Code's turns (parse, schema, translation onto the internal request and, where the
 * tree wires it into this door, the turns kept for the next body: doors/turns-kept-after.ts), in
 * this process, for another checkout and this one alternated request by request on the same bodies
 * (claude-code-messages.ts: two sessions in turn, one with non-ASCII text, each call a session's
 * next turn). 8 MiB of memory is swept before each call, as the server's caches are cold between
 * requests. µs median and eighth-fastest per request, as door-work-ab.ts for the chat door.
 */
const [beforeArgument, bytesArgument = "200000", requestsArgument = "240"] = process.argv.slice(2);
if (!beforeArgument) throw new Error("usage: bun run bench/anthropic-door-work-ab.ts <before tree> [bytes] [requests]");

async function doorWork(tree: string): Promise<DoorWork> {
  const from = async <T>(path: string) => (await import(join(tree, path))) as T;
  const { parseJsonBody } = await from<{ parseJsonBody: (bytes: Uint8Array, keep?: object) => unknown }>("src/doors/parse-json-body.ts");
  const { parseMessagesRequest } = await from<{ parseMessagesRequest: (body: unknown) => { data: unknown } }>("src/doors/anthropic/messages-schema.ts");
  const { toChatRequest } = await from<{ toChatRequest: (body: unknown, context: object) => unknown }>("src/doors/anthropic/to-chat-request.ts");
  const { silentLogger } = await from<{ silentLogger: object }>("src/logger.ts");
  type Resent = { turnTexts: (kept: object) => unknown; keepTurns: (door: string, bytes: Uint8Array, kept: object, body: unknown, request: unknown, turns: unknown) => void };
  // The door keeps turns only in a tree that wires it (json-body.ts "turns-after").
  const resent = existsSync(join(tree, "src/doors/turns-kept-after.ts")) ? await from<Resent>("src/doors/resent-turns.ts") : undefined;
  const context = { model: "claude-sonnet-5-5", betas: [], logger: silentLogger };
  return (bytes) => {
    const kept = resent && bytes.byteLength >= 32 * 1024 ? { door: "anthropic" } : undefined;
    const body = parseJsonBody(bytes, kept);
    const request = toChatRequest(parseMessagesRequest(body).data, context);
    if (kept) resent?.keepTurns("anthropic", bytes, kept, body, request, resent.turnTexts(kept));
    return request;
  };
}

const sides: [DoorWork, DoorWork] = [await doorWork(resolve(beforeArgument)), await doorWork(resolve(join(import.meta.dir, "..")))];
await compareDoorWork("Anthropic door", sides, [claudeCodeMessagesBodies(Number(bytesArgument)), claudeCodeMessagesBodies(Number(bytesArgument), { nonAscii: true })], Number(requestsArgument), bytesArgument);
