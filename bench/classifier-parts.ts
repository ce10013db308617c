import { join, resolve } from "node:path";
import { classifierBodies } from "./classifier-bodies";

/**
 * `bun run bench/classifier-parts.ts [kind] [calls] [tree] [--hot]`: the classifier's steps on one
 * kind of body (classifier-bodies.ts: bench, eval44, claude-code:200000…), each call after an 8 MiB
 * memory sweep (as in the server, where other request work has evicted the classifier's code and
 * data from the CPU caches; `--hot` leaves the sweep out). Prints the median and the 25th–75th
 * percentile of wall time per step (task text, background kind, features, scoring and reasons).
 */
const args = process.argv.slice(2).filter((argument) => !argument.startsWith("--"));
const hot = process.argv.includes("--hot");
const kind = args[0] ?? "bench";
const calls = Number(args[1] ?? 2_000);
const tree = resolve(args[2] ?? join(import.meta.dir, ".."));
const dir = join(tree, "src/routing/classifier");
const { extractTaskText } = await import(join(dir, "extract-task-text.ts"));
const { detectBackgroundKind } = await import(join(dir, "background-kind.ts"));
const { computeFeatures } = await import(join(dir, "features.ts"));
const { classifyRequest } = await import(join(dir, "classify-request.ts"));
const { chatRequestSchema } = await import(join(tree, "src/chat/request-schema.ts"));

const body = classifierBodies(kind);
const requests = Array.from({ length: 64 }, () => chatRequestSchema.parse(JSON.parse(body())));
const sweep = new Uint8Array(8 << 20);
let sink = 0;
const steps = { extract: [] as number[], background: [] as number[], features: [] as number[], classify: [] as number[], total: [] as number[] };
for (let call = 0; call < calls; call++) {
  const request = requests[call % requests.length];
  if (!hot) for (let index = 0; index < sweep.length; index += 64) sink += sweep[index]!++;
  const t0 = Bun.nanoseconds();
  const text = extractTaskText(request);
  const t1 = Bun.nanoseconds();
  detectBackgroundKind(request, text);
  const t2 = Bun.nanoseconds();
  computeFeatures(request, text);
  const t3 = Bun.nanoseconds();
  if (!hot) for (let index = 0; index < sweep.length; index += 64) sink += sweep[index]!++;
  const t4 = Bun.nanoseconds();
  classifyRequest(request);
  const t5 = Bun.nanoseconds();
  if (call < calls / 5) continue;
  steps.extract.push(t1 - t0);
  steps.background.push(t2 - t1);
  steps.features.push(t3 - t2);
  steps.total.push(t3 - t0);
  steps.classify.push(t5 - t4);
}
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)]! / 1000;
console.log(`${kind}, ${calls} calls${hot ? ", hot" : ", each after an 8 MiB sweep"} (${tree}); sink ${sink % 2}`);
for (const [name, values] of Object.entries(steps)) {
  console.log(`  ${name.padEnd(11)} median ${quantile(values, 0.5).toFixed(1).padStart(7)} µs   (p25 ${quantile(values, 0.25).toFixed(1)}, p75 ${quantile(values, 0.75).toFixed(1)})`);
}
