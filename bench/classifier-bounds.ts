import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { adversarialRequests } from "./classifier-adversarial";

/**
 * `bun run bench/classifier-bounds.ts [tree] [filter]`: ms of CPU per classification of each adversarial shape
 * (classifier-adversarial.ts) at two sizes, 4x apart. A cost that grows about as the input (x4) is
 * a linear pass; one that barely grows is bounded; one that grows x16 is quadratic.
 */
const tree = resolve(process.argv[2] || join(import.meta.dir, ".."));
const filter = process.argv[3];
const { classifyRequest } = (await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: (request: unknown) => unknown };

const cpuMilliseconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
/** The least CPU time of 7 runs after one warm-up: the machine is shared, the least is the cost. */
const timeOf = (request: unknown): number => {
  classifyRequest(request);
  let least = Number.POSITIVE_INFINITY;
  for (let index = 0; index < 7; index++) {
    const started = cpuMilliseconds();
    classifyRequest(request);
    least = Math.min(least, cpuMilliseconds() - started);
  }
  return least;
};

console.log(`classifier cost per shape (${tree}), load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
const small = adversarialRequests(1);
const large = adversarialRequests(4);
for (let index = 0; index < small.length; index++) {
  const [name, request] = small[index]!;
  if (filter && !name.includes(filter)) continue;
  const [one, four] = [timeOf(request), timeOf(large[index]![1])];
  console.log(`  ${name.padEnd(34)} ${(JSON.stringify(request).length / 1e6).toFixed(1).padStart(5)} MB ${one.toFixed(2).padStart(8)} ms CPU   x4 input: ${four.toFixed(2).padStart(8)} ms (x${(four / one).toFixed(1)})`);
}
