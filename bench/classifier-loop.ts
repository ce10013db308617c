import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { classifierBodies } from "./classifier-bodies";

/**
 * `bun --cpu-prof run bench/classifier-loop.ts <body> [seconds] [tree]`: classifyRequest in a loop on one
 * kind of body ("bench", "eval44", "claude-code:200000", "cline:500000"), for a profile
 * (summarize-profile.ts) or a plain µs-per-call figure.
 */
const [kind = "bench", secondsArgument = "5", treeArgument] = process.argv.slice(2);
const tree = resolve(treeArgument ?? join(import.meta.dir, ".."));
const { classifyRequest } = (await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: (request: unknown) => unknown };
const { chatRequestSchema } = (await import(join(import.meta.dir, "..", "src/chat/request-schema.ts"))) as { chatRequestSchema: { parse(value: unknown): unknown } };

const make = classifierBodies(kind);
const requests = Array.from({ length: 20 }, () => chatRequestSchema.parse(JSON.parse(make())));
const deadline = performance.now() + Number(secondsArgument) * 1000;
let calls = 0;
const started = performance.now();
while (performance.now() < deadline) {
  for (let index = 0; index < 20; index++) classifyRequest(requests[index]);
  calls += 20;
}
console.log(`${kind}: ${calls} calls, ${(((performance.now() - started) / calls) * 1000).toFixed(1)} µs per call, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
