import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { largestEvalCase } from "./largest-eval-case";
import { agentRequestBodies } from "./agent-requests";
import { benchBody } from "./bench-question";

/**
 * `bun run bench/classifier-ab.ts <baseline tree> [rounds] [filter]`: classifyRequest of this tree
 * against another checkout's, in one process, in alternating batches (before-after, then
 * after-before), on the same validated requests: the benchmark's small body, the largest blind eval
 * case (~44 KB), and Claude Code and Cline requests of 10, 100, 200 and 500 KB
 * (agent-requests.ts). Prints µs of CPU per call: the fastest batch and the median batch of each side.
 * `filter` keeps the bodies whose name contains it.
 *
 * Agent requests resend the session, so the same tool results come back request after request (the
 * classifier remembers the last 512 tool-error answers). `--cold` gives every request tool results
 * of its own (a number in front of each), 40 requests in turn, so none is answered from memory.
 */
const cold = process.argv.includes("--cold");
const [baselineArgument, roundsArgument, filter] = process.argv.slice(2).filter((argument) => argument !== "--cold");
if (!baselineArgument) throw new Error("usage: bun run bench/classifier-ab.ts <baseline tree> [rounds] [filter]");
const rounds = Number(roundsArgument ?? 40);
type Classify = (request: unknown) => unknown;
const load = async (tree: string) => ((await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: Classify }).classifyRequest;
const sides = { before: await load(resolve(baselineArgument)), after: await load(join(import.meta.dir, "..")) };
if (sides.before === sides.after) throw new Error("the baseline tree resolved to this tree's modules");
const { chatRequestSchema } = (await import(join(import.meta.dir, "..", "src/chat/request-schema.ts"))) as { chatRequestSchema: { parse(value: unknown): unknown } };

const largest = largestEvalCase();
let sequence = 0;
const bodies: Array<[string, () => string]> = [
  ["bench body", () => benchBody()],
  ["largest eval case", () => JSON.stringify({ ...largest, model: "auto", user: `question ${++sequence}` })],
];
for (const client of ["claude-code", "cline"] as const) {
  for (const size of [10_000, 100_000, 200_000, 500_000]) bodies.push([`${client} ${size / 1000} KB`, agentRequestBodies(client, size)]);
}

/**
 * The process's CPU time, not the clock: on a machine shared with other work, a batch preempted for
 * a few milliseconds would count them; CPU time counts only what this process ran (JIT and GC
 * threads included, which are part of the cost).
 */
const cpuMicroseconds = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`classifyRequest, before (${baselineArgument}) and after (this tree)${cold ? ", every tool result new" : ""}, Bun ${Bun.version}, load average ${loadAverage()}`);
for (const [name, body] of bodies) {
  if (filter && !name.includes(filter)) continue;
  const requests = Array.from({ length: cold ? 40 : 20 }, (_, request) => {
    const value = JSON.parse(body()) as { messages: Array<{ role: string; content: unknown }> };
    if (cold) for (const message of value.messages) if (message.role === "tool" && typeof message.content === "string") message.content = `${request} ${message.content}`;
    return chatRequestSchema.parse(value);
  });
  const bytes = JSON.stringify(requests[0]).length;
  // About 20–40 ms of CPU per batch, whatever the size (CPU time is counted in coarse steps).
  const batch = Math.max(10, Math.round(400_000 / Math.max(bytes, 1_000)));
  const perCall = { before: [] as number[], after: [] as number[] };
  for (const side of ["before", "after"] as const) for (let index = 0; index < 200; index++) sides[side](requests[index % requests.length]);
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const started = cpuMicroseconds();
      for (let index = 0; index < batch; index++) sides[side](requests[(round * batch + index) % requests.length]);
      perCall[side].push((cpuMicroseconds() - started) / batch);
    }
  }
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
  };
  const [before, after] = [stats(perCall.before), stats(perCall.after)];
  console.log(
    `  ${name.padEnd(20)} ${(bytes / 1000).toFixed(0).padStart(4)} KB  before ${before.best.toFixed(1).padStart(7)} best ${before.median.toFixed(1).padStart(7)} median   ` +
      `after ${after.best.toFixed(1).padStart(7)} best ${after.median.toFixed(1).padStart(7)} median µs CPU   (${(((after.median - before.median) / before.median) * 100).toFixed(0)}% median)`,
  );
}
console.log(`load average at the end ${loadAverage()}`);
