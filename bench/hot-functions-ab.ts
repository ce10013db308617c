import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { largestEvalCase } from "./largest-eval-case";
import { agentRequestBodies } from "./agent-requests";

/**
 * `bun run bench/hot-functions-ab.ts <baseline tree>`: the request-path functions changed for issue
 * 15, this tree's against another checkout's (before the change), in one process and in alternating
 * batches, so the machine's load falls on both alike: the door's body checks (parseJsonBody: UTF-8,
 * nesting, JSON.parse, lone surrogates), the OpenAI door's request check, and the classifier. End-to-end runs
 * (ab-compare.ts) cannot resolve differences of a few µs under this machine's noise; this can.
 * Four bodies: the benchmark's ~1 KB question, the largest blind eval case (~44 KB) and ~200 KB and
 * ~500 KB Claude Code requests. µs per call: the fastest and the median batch.
 */
const baselineArgument = process.argv[2];
if (!baselineArgument) throw new Error("usage: bun run bench/hot-functions-ab.ts <baseline tree>");
const trees = { before: resolve(baselineArgument), after: join(import.meta.dir, "..") };

interface Functions {
  parseJsonBody(bytes: Uint8Array): unknown;
  validate(value: unknown): unknown;
  classify(request: unknown): unknown;
}
async function functionsOf(tree: string): Promise<Functions> {
  const { parseJsonBody } = (await import(join(tree, "src/doors/parse-json-body.ts"))) as { parseJsonBody: Functions["parseJsonBody"] };
  // The OpenAI door's own check: its schema, or (from the door-parse change on) the schema with the common turns built by hand.
  const door = (await import(join(tree, "src/doors/openai/openai-request-schema.ts"))) as {
    openaiChatRequestSchema: { safeParse(value: unknown): unknown };
    parseOpenAIChatRequest?: (value: unknown) => unknown;
  };
  const { classifyRequest } = (await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: Functions["classify"] };
  return { parseJsonBody, validate: door.parseOpenAIChatRequest ?? ((value) => door.openaiChatRequestSchema.safeParse(value)), classify: classifyRequest };
}
const sides = { before: await functionsOf(trees.before), after: await functionsOf(trees.after) };
if (sides.before.classify === sides.after.classify) throw new Error("the baseline tree resolved to this tree's modules");

const largest = largestEvalCase();
let sequence = 0;
const bodies: Array<[string, () => string]> = [
  [
    "bench body",
    () =>
      JSON.stringify({
        model: "gpt-4o-mini",
        temperature: 0.2,
        messages: [
          { role: "system", content: "You are a careful senior engineer. Answer briefly and precisely." },
          { role: "user", content: `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}` },
          { role: "user", content: `Request ${++sequence}.` },
        ],
      }),
  ],
  ["largest eval case", () => JSON.stringify({ ...largest, model: "auto", user: `question ${++sequence}` })],
  ["claude code ~200 KB", agentRequestBodies("claude-code", 200_000)],
  ["claude code ~500 KB", agentRequestBodies("claude-code", 500_000)],
];

/** Per side, µs per call of each batch; the sides alternate batch by batch, on the same inputs. */
function compare(label: string, calls: number, inputs: unknown[], run: (functions: Functions, input: unknown) => unknown): void {
  const batch = 10;
  const perCall = { before: [] as number[], after: [] as number[] };
  for (const side of ["before", "after"] as const) for (const input of inputs.slice(0, batch * 3)) run(sides[side], input);
  for (let done = 0, round = 0; done < calls; done += batch, round++) {
    for (const side of round % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const started = performance.now();
      for (let index = 0; index < batch; index++) run(sides[side], inputs[(done + index) % inputs.length]);
      perCall[side].push(((performance.now() - started) / batch) * 1000);
    }
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
  };
  const [before, after] = [stats(perCall.before), stats(perCall.after)];
  console.log(
    `  ${label.padEnd(24)} before ${before.best.toFixed(1).padStart(7)} best ${before.median.toFixed(1).padStart(7)} median   ` +
      `after ${after.best.toFixed(1).padStart(7)} best ${after.median.toFixed(1).padStart(7)} median µs   (${(((after.median - before.median) / before.median) * 100).toFixed(0)}% median)`,
  );
}

console.log(`hot functions, before (${trees.before}) and after (this tree) — Bun ${Bun.version}, load average ${loadAverage()}`);
for (const [name, body] of bodies) {
  const texts = Array.from({ length: 40 }, body);
  const bytes = texts.map((text) => new TextEncoder().encode(text));
  const values = texts.map((text) => JSON.parse(text) as unknown);
  const requests = values.map((value) => (sides.after.validate(value) as { data: unknown }).data);
  const calls = bytes[0]!.length > 100_000 ? 400 : bytes[0]!.length > 20_000 ? 1_500 : 6_000;
  console.log(`${name} (${bytes[0]!.length.toLocaleString("en")} bytes, ${calls} calls per side)`);
  compare("parseJsonBody", calls, bytes, (functions, input) => functions.parseJsonBody(input as Uint8Array));
  compare("OpenAI door's schema", calls, values, (functions, input) => functions.validate(input));
  compare("classifyRequest", calls, requests, (functions, input) => functions.classify(input));
}
console.log(`load average at the end ${loadAverage()}`);

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
