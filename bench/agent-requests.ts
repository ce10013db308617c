import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Agent-sized chat requests for the benchmark: real Claude Code and Cline request shapes (system
 * prompt, a dozen tool schemas, tool-call turns) from the blind routing-eval cases, grown to a
 * target size the way agent sessions grow, by further tool turns (an assistant `read_file` call
 * and the file's text as its result, taken from this repository's sources). Sent to the OpenAI
 * door with an explicit model, so the mock upstream answers them all.
 *
 * Successive calls are an agent's successive turns, as agents send them: the whole conversation
 * again, with the assistant's last answer (a tool call) and its tool result appended. A session
 * starts a little under the target size (a new question at its end) and grows by one tool turn a
 * call until it is a little over; then a new session starts, whose first user turn differs (it
 * names the session), so it shares only what a new session of that client shares with the last
 * one (the system prompt). Every body is new, so every request is a cache miss.
 */
interface BlindCase {
  tool: string;
  request: { messages: Array<Record<string, unknown>>; tools?: unknown[]; [field: string]: unknown };
}

const root = join(import.meta.dir, "..");
const blindDir = join(root, "tests", "fixtures", "routing-eval", "blind");

/** The client's blind cases with tools, largest first, read once per process (reading them all takes a few hundred ms). The requests are never changed. */
const sizedCases = new Map<string, ReadonlyArray<{ request: BlindCase["request"]; bytes: number }>>();
let blindCases: BlindCase[] | undefined;

function sizedCasesWithTools(tool: string): ReadonlyArray<{ request: BlindCase["request"]; bytes: number }> {
  const known = sizedCases.get(tool);
  if (known) return known;
  if (!blindCases) {
    blindCases = [];
    for (const split of readdirSync(blindDir)) {
      for (const line of readFileSync(join(blindDir, split, "cases.jsonl"), "utf8").split("\n")) {
        if (line.trim()) blindCases.push(JSON.parse(line) as BlindCase);
      }
    }
  }
  const sized = blindCases
    .filter((entry) => entry.tool === tool && entry.request.tools?.length)
    .map((entry) => ({ request: entry.request, bytes: JSON.stringify(entry.request).length }))
    .sort((a, b) => b.bytes - a.bytes);
  sizedCases.set(tool, sized);
  return sized;
}

/**
 * The largest case of that client with tools that fits in `maxBytes`; when even its smallest is
 * larger (Claude Code's system prompt and tools alone are ~18 KB), the smallest cut down to fit:
 * fewer tools (at least three), then a shorter system prompt.
 */
function largestWithTools(tool: string, maxBytes: number): BlindCase["request"] {
  const sized = sizedCasesWithTools(tool);
  if (sized.length === 0) throw new Error(`no blind case from ${tool} with tools`);
  const fitting = sized.find((entry) => entry.bytes <= maxBytes);
  if (fitting) return fitting.request;
  const request = structuredClone(sized.at(-1)!.request);
  while (JSON.stringify(request).length > maxBytes && request.tools!.length > 3) request.tools!.pop();
  const system = request.messages.find((message) => message.role === "system");
  const over = JSON.stringify(request).length - maxBytes;
  if (over > 0 && system) {
    const text = typeof system.content === "string" ? system.content : (system.content as Array<{ text?: string }>).map((part) => part.text ?? "").join("\n\n");
    system.content = text.slice(0, Math.max(500, text.length - over));
  }
  return request;
}

let sources: ReadonlyArray<{ path: string; text: string }> | undefined;

/** Source files to paste as tool results, in a fixed order (read once per process). */
function sourceTexts(): ReadonlyArray<{ path: string; text: string }> {
  if (sources) return sources;
  const files: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith(".ts")) files.push({ path: path.slice(root.length + 1), text: readFileSync(path, "utf8") });
    }
  };
  walk(join(root, "src"));
  sources = files;
  return files;
}

export type AgentClient = "claude-code" | "cline";

/** One numbering for every builder of the process: a phase run again (ab-compare.ts) sends new sessions and calls, not the earlier ones (cache hits). */
let sequence = 0;

/** A body builder for one client and target size in bytes; each call returns the session's next turn. */
export function agentRequestBodies(client: AgentClient, targetBytes: number): () => string {
  const base = largestWithTools(client, targetBytes * 0.9);
  const sources = sourceTexts();
  // A session grows from `targetBytes - span / 2` to `targetBytes + span / 2`, one tool turn of about `step` bytes a call.
  const span = Math.max(2_000, targetBytes / 5);
  const step = Math.min(8_000, Math.max(300, targetBytes / 40));
  const { stream: _stream, stream_options: _options, metadata: _metadata, ...fields } = base;
  let file = 0;
  /** The next source file as an assistant read_file call and its result, cut to `bytes` of text. */
  const toolTurn = (bytes: number): Array<Record<string, unknown>> => {
    const source = sources[file++ % sources.length]!;
    const id = `call_bench_${++sequence}`;
    return [
      { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "read_file", arguments: JSON.stringify({ path: source.path }) } }] },
      { role: "tool", tool_call_id: id, content: source.text.slice(0, Math.max(200, bytes)) },
    ];
  };
  let messages: Array<Record<string, unknown>> = [];
  let size = Infinity;
  const newSession = () => {
    file = 0;
    const session = ++sequence;
    messages = base.messages.map((message) => message);
    const first = messages.findIndex((message) => message.role === "user");
    if (first >= 0) messages[first] = withSessionName(messages[first]!, session);
    // The length of JSON.stringify({ ...fields, messages }), kept up to date as turns are added (one
    // more element of a non-empty array adds its own JSON and a comma).
    size = JSON.stringify({ ...fields, model: "gpt-4o-mini", messages }).length;
    const add = (message: Record<string, unknown>) => {
      size += JSON.stringify(message).length + (messages.length > 0 ? 1 : 0);
      messages.push(message);
    };
    const start = targetBytes - span / 2;
    while (size < start - 300) for (const message of toolTurn(start - 600 - size)) add(message);
    add({ role: "user", content: `Now apply the change to the file you read last (session ${String(session).padStart(8, "0")}).` });
  };
  return () => {
    if (size > targetBytes + span / 2) newSession();
    else messages.push(...toolTurn(step));
    const body = JSON.stringify({ ...fields, model: "gpt-4o-mini", messages });
    size = body.length;
    return body;
  };
}

/** The session's first user turn with the session named at its end: a new session shares nothing after it with the last one. */
function withSessionName(message: Record<string, unknown>, session: number): Record<string, unknown> {
  const name = `\n\n(session ${session})`;
  if (typeof message.content === "string") return { ...message, content: message.content + name };
  if (Array.isArray(message.content)) return { ...message, content: [...message.content, { type: "text", text: name.trim() }] };
  return message;
}

/**
 * Bodies of about `targetBytes`, alternating Claude Code and Cline shapes; a client whose smallest
 * real request is already larger (Claude Code's system prompt and tools are ~25 KB) is left out.
 */
export function mixedAgentBodies(targetBytes: number): { body: () => string; clients: AgentClient[] } {
  const builders: Array<[AgentClient, () => string]> = [];
  for (const client of ["claude-code", "cline"] as const) {
    try {
      builders.push([client, agentRequestBodies(client, targetBytes)]);
    } catch {
      // No request of this client is that small.
    }
  }
  let next = 0;
  return { body: () => builders[next++ % builders.length]![1](), clients: builders.map(([client]) => client) };
}
