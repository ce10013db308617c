import { join, resolve } from "node:path";
import { type DoorWork, compareDoorWork } from "./door-work-timing";
import { agentRequestBodies } from "./agent-requests";

/**
 * `bun run bench/door-work-ab.ts <before tree> [bytes] [requests]`: the chat door's work on an agent
 * request (parse, schema, the client's text remembered and, where the tree has it, the turns kept
 * for the next body: doors/resent-turns.ts), in this process, for another checkout and this one
 * alternated request by request on the same bodies (agent-requests.ts: Claude Code and Cline
 * sessions in turn, each call an agent's next turn). 8 MiB of memory is swept before each call, as
 * the server's caches are cold between requests. µs median and eighth-fastest per request.
 */
const [beforeArgument, bytesArgument = "200000", requestsArgument = "240"] = process.argv.slice(2);
if (!beforeArgument) throw new Error("usage: bun run bench/door-work-ab.ts <before tree> [bytes] [requests]");

async function doorWork(tree: string): Promise<DoorWork> {
  const from = async <T>(path: string) => (await import(join(tree, path))) as T;
  const { parseJsonBody } = await from<{ parseJsonBody: (bytes: Uint8Array, keep?: object) => unknown }>("src/doors/parse-json-body.ts");
  const { parseOpenAIChatRequest } = await from<{ parseOpenAIChatRequest: (body: unknown) => { data: unknown } }>("src/doors/openai/openai-request-schema.ts");
  const { rememberClientElements } = await from<{ rememberClientElements: (kept: object, body: unknown, request: unknown, turns?: unknown) => void }>("src/doors/remember-client-json.ts");
  type Resent = { turnTexts: (kept: object) => unknown; keepTurns: (door: string, bytes: Uint8Array, kept: object, body: unknown, request: unknown, turns: unknown) => void };
  const resent = await from<Resent>("src/doors/resent-turns.ts").catch(() => undefined);
  return (bytes) => {
    const kept = resent ? { door: "openai" } : {};
    const body = parseJsonBody(bytes, kept);
    const request = parseOpenAIChatRequest(body).data;
    const turns = resent?.turnTexts(kept);
    rememberClientElements(kept, body, request, turns);
    resent?.keepTurns("openai", bytes, kept, body, request, turns);
    return request;
  };
}

const sides: [DoorWork, DoorWork] = [await doorWork(resolve(beforeArgument)), await doorWork(resolve(join(import.meta.dir, "..")))];
await compareDoorWork("door", sides, [agentRequestBodies("claude-code", Number(bytesArgument)), agentRequestBodies("cline", Number(bytesArgument))], Number(requestsArgument), bytesArgument);
