import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { agentRequestBodies } from "./agent-requests";
import { benchBody } from "./bench-question";
import { adversarialRequests } from "./classifier-adversarial";

/**
 * `bun run bench/classifier-outputs.ts [tree] > out.jsonl`: the classifier's whole answer (score,
 * tier, category, reasons, every feature value, and the raw facts behind them) for every labelled
 * and blind evaluation case, the benchmark's bodies, the agent requests (10–500 KB, Claude Code and
 * Cline) and the adversarial shapes, one JSON line each. Run with another checkout as `tree` (the
 * inputs always come from this tree) and `diff` the two files: a tuned classifier must print the
 * same bytes. `bun run eval:routing` only prints tier counts; this catches a feature that moved.
 * Also the compression corpus's transcripts and Codex's recorded request, and every input a second
 * time (the classifier's memos then answer part of it).
 */
const tree = resolve(process.argv[2] ?? join(import.meta.dir, ".."));
const root = join(import.meta.dir, "..");
const { classifyRequest } = (await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: (request: unknown) => unknown };
const { describeRequest } = (await import(join(tree, "src/routing/classifier/describe-request.ts"))) as {
  describeRequest: (request: unknown) => { facts: Record<string, unknown> };
};
const { loadBlindSet } = (await import(join(root, "tests/fixtures/routing-eval/load-blind-set.ts"))) as { loadBlindSet: (batches: string[]) => Array<{ id: string; request: unknown }> };
const { loadEvalSet } = (await import(join(root, "tests/fixtures/routing-eval/load-eval-set.ts"))) as { loadEvalSet: () => Array<{ id: string; request: unknown }> };
const { chatRequestSchema } = (await import(join(root, "src/chat/request-schema.ts"))) as { chatRequestSchema: { safeParse(value: unknown): unknown } };

const inputs: Array<[string, unknown]> = [];
for (const entry of loadEvalSet()) inputs.push([`eval ${entry.id}`, entry.request]);
for (const entry of loadBlindSet(["a", "b", "c", "d", "e", "f", "g", "h"])) inputs.push([`blind ${entry.id}`, entry.request]);
inputs.push(["bench body", JSON.parse(benchBody())]);
inputs.push(["bench body stream", JSON.parse(benchBody({ stream: true }))]);
// The compression corpus's transcripts (Claude Code, Cline, aider, a tool loop, a chat paste), as the proxy would classify them.
const { corpusTranscripts } = (await import(join(root, "tests/fixtures/compression-corpus/transcripts.ts"))) as { corpusTranscripts: () => Array<{ id: string; messages: unknown[]; tools?: unknown[] }> };
for (const transcript of corpusTranscripts()) inputs.push([`corpus ${transcript.id}`, { model: "auto", messages: transcript.messages, ...(transcript.tools ? { tools: transcript.tools } : {}) }]);
// Codex's recorded Responses request, through the Responses door's translation.
const { responsesRequestSchema } = (await import(join(root, "src/doors/responses/responses-request-schema.ts"))) as { responsesRequestSchema: { parse(value: unknown): unknown } };
const { toChatRequest } = (await import(join(root, "src/doors/responses/to-chat-request.ts"))) as { toChatRequest: (request: unknown, logger: unknown) => { request: unknown } };
const { silentLogger } = (await import(join(root, "src/logger.ts"))) as { silentLogger: unknown };
const codex = JSON.parse(readFileSync(join(root, "tests/fixtures/responses-door/codex-request.json"), "utf8")) as unknown;
inputs.push(["codex request", toChatRequest(responsesRequestSchema.parse(codex), silentLogger).request]);
for (const client of ["claude-code", "cline"] as const) {
  for (const size of [10_000, 100_000, 200_000, 500_000]) {
    try {
      inputs.push([`${client} ${size}`, JSON.parse(agentRequestBodies(client, size)())]);
    } catch {
      // No request of this client is that small.
    }
  }
}
for (const [name, request] of adversarialRequests()) inputs.push([`adversarial ${name}`, request]);

// Twice over: the second pass is answered partly from the classifier's memos, which must not change a thing.
inputs.push(...inputs.map(([name, request]): [string, unknown] => [`again ${name}`, request]));
const plain = (value: unknown): unknown => (value instanceof Map ? Object.fromEntries([...value.entries()].sort()) : value);
for (const [name, raw] of inputs) {
  // As the eval reads it (raw) and as the door hands it over (validated, defaults filled in).
  const parsed = chatRequestSchema.safeParse(raw) as { success: boolean; data?: unknown };
  for (const [shape, request] of [["raw", raw], ...(parsed.success ? [["validated", parsed.data]] : [])] as Array<[string, unknown]>) {
    const facts = Object.fromEntries(Object.entries(describeRequest(request).facts).map(([key, value]) => [key, plain(value)]));
    console.log(JSON.stringify({ name, shape, classification: classifyRequest(request), facts }));
  }
}
