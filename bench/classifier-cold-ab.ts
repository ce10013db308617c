import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { classifierBodies } from "./classifier-bodies";

/**
 * `bun run bench/classifier-cold-ab.ts <baseline tree> [kind] [rounds]`: classifyRequest of this
 * tree against another checkout's, in one process, each call after an 8 MiB memory sweep (as in the
 * server, where the rest of a request's work has evicted the classifier's code and data from the
 * CPU caches: there a call costs 2–5 times what it does in classifier-ab.ts's hot loop). `kind` is
 * classifier-bodies.ts's (bench, eval44, claude-code:200000…); the sides alternate call by call.
 * Prints wall time per call (the 25th percentile and the median: a call preempted on a shared
 * machine lands in the tail).
 */
const [baselineArgument, kind = "bench", roundsArgument] = process.argv.slice(2);
if (!baselineArgument) throw new Error("usage: bun run bench/classifier-cold-ab.ts <baseline tree> [kind] [rounds]");
const rounds = Number(roundsArgument ?? 1_000);
type Classify = (request: unknown, overrides: object) => unknown;
const load = async (tree: string) => ((await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: Classify }).classifyRequest;
const sides = { before: await load(resolve(baselineArgument)), after: await load(join(import.meta.dir, "..")) };
if (sides.before === sides.after) throw new Error("the baseline tree resolved to this tree's modules");
const { chatRequestSchema } = await import("../src/chat/request-schema");

const body = classifierBodies(kind);
const requests = Array.from({ length: 64 }, () => chatRequestSchema.parse(JSON.parse(body())));
// The proxy passes one thresholds object every request (resolved once, classify-request.ts).
const thresholds = {};
const sweep = new Uint8Array(8 << 20);
let sink = 0;
const times = { before: [] as number[], after: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const side of round % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
    for (let index = 0; index < sweep.length; index += 64) sink += sweep[index]!++;
    const started = Bun.nanoseconds();
    sides[side](requests[round % requests.length], thresholds);
    const elapsed = Bun.nanoseconds() - started;
    if (round >= 50) times[side].push(elapsed);
  }
}
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const at = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)]! / 1000;
console.log(`classifyRequest after an 8 MiB sweep, ${kind}, ${rounds} calls per side, load average ${loadAverage()} (sink ${sink % 2})`);
for (const side of ["before", "after"] as const) console.log(`  ${side.padEnd(6)} p25 ${at(times[side], 0.25).toFixed(1).padStart(6)} µs   median ${at(times[side], 0.5).toFixed(1).padStart(6)} µs`);
