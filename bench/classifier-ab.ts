import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { agentRequestBodies } from "./agent-requests";
import { benchBody } from "./bench-question";

/**
 * `bun run bench/classifier-ab.ts <baseline tree> [rounds] [filter]`: classifyRequest of this tree
 * against another checkout's, in one process, in alternating batches (before-after, then
 * after-before), on the same validated requests: the benchmark's small body, the largest blind eval
 * case (~44 KB), and Claude Code and Cline requests of 10, 100, 200 and 500 KB
 * (agent-requests.ts). Prints µs per call: the fastest batch and the median batch of each side.
 * `filter` keeps the bodies whose name contains it.
 */
const [baselineArgument, roundsArgument, filter] = process.argv.slice(2);
if (!baselineArgument) throw new Error("usage: bun run bench/classifier-ab.ts <baseline tree> [rounds] [filter]");
const rounds = Number(roundsArgument ?? 40);
type Classify = (request: unknown) => unknown;
const load = async (tree: string) => ((await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: Classify }).classifyRequest;
const sides = { before: await load(resolve(baselineArgument)), after: await load(join(import.meta.dir, "..")) };
if (sides.before === sides.after) throw new Error("the baseline tree resolved to this tree's modules");
const { chatRequestSchema } = (await import(join(import.meta.dir, "..", "src/chat/request-schema.ts"))) as { chatRequestSchema: { parse(value: unknown): unknown } };

const blind = readFileSync(join(import.meta.dir, "..", "tests", "fixtures", "routing-eval", "blind", "a", "cases.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { request: Record<string, unknown> }).request)
  .sort((a, b) => JSON.stringify(a).length - JSON.stringify(b).length);
let sequence = 0;
const bodies: Array<[string, () => string]> = [
  ["bench body", () => benchBody()],
  ["largest eval case", () => JSON.stringify({ ...blind.at(-1)!, model: "auto", user: `question ${++sequence}` })],
];
for (const client of ["claude-code", "cline"] as const) {
  for (const size of [10_000, 100_000, 200_000, 500_000]) bodies.push([`${client} ${size / 1000} KB`, agentRequestBodies(client, size)]);
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`classifyRequest, before (${baselineArgument}) and after (this tree), Bun ${Bun.version}, load average ${loadAverage()}`);
for (const [name, body] of bodies) {
  if (filter && !name.includes(filter)) continue;
  const requests = Array.from({ length: 20 }, () => chatRequestSchema.parse(JSON.parse(body())));
  const bytes = JSON.stringify(requests[0]).length;
  // About 20 ms per batch, whatever the size.
  const batch = Math.max(2, Math.round(40_000 / Math.max(bytes, 1_000) / 2));
  const perCall = { before: [] as number[], after: [] as number[] };
  for (const side of ["before", "after"] as const) for (let index = 0; index < 200; index++) sides[side](requests[index % requests.length]);
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const started = performance.now();
      for (let index = 0; index < batch; index++) sides[side](requests[(round * batch + index) % requests.length]);
      perCall[side].push(((performance.now() - started) / batch) * 1000);
    }
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
  };
  const [before, after] = [stats(perCall.before), stats(perCall.after)];
  console.log(
    `  ${name.padEnd(20)} ${(bytes / 1000).toFixed(0).padStart(4)} KB  before ${before.best.toFixed(1).padStart(7)} best ${before.median.toFixed(1).padStart(7)} median   ` +
      `after ${after.best.toFixed(1).padStart(7)} best ${after.median.toFixed(1).padStart(7)} median µs   (${(((after.median - before.median) / before.median) * 100).toFixed(0)}% median)`,
  );
}
console.log(`load average at the end ${loadAverage()}`);
