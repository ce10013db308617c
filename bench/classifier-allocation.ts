import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { classifierBodies } from "./classifier-bodies";
import { summarizeGcLog } from "./gc-log-summary";

/**
 * `bun run bench/classifier-allocation.ts <body> [calls] [tree]`: how much JavaScript heap one
 * classifyRequest call allocates, on one kind of body ("bench", "eval44", "claude-code:200000"),
 * counted from JavaScriptCore's own log of each collection cycle (BUN_JSC_logGC=1,
 * gc-log-summary.ts) in a child process of its own: a figure the machine's load does not move.
 * `tree` is another checkout to measure (its classifier; the inputs come from this tree).
 */
const [kind = "bench", callsArgument = "200000", treeArgument] = process.argv.slice(2);
const calls = Number(callsArgument);
const tree = resolve(treeArgument ?? join(import.meta.dir, ".."));

if (process.env.CLASSIFIER_ALLOCATION_CHILD !== "1") {
  const child = Bun.spawn([process.execPath, "run", import.meta.path, kind, String(calls), tree], {
    env: { ...process.env, CLASSIFIER_ALLOCATION_CHILD: "1", BUN_JSC_logGC: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  const marker = "\n--- measured ---\n";
  const measured = err.slice(err.indexOf(marker) + marker.length, err.lastIndexOf("\n--- end ---\n"));
  const gc = summarizeGcLog(measured);
  console.log(`${kind} (${tree}): ${(gc.allocatedBytes / calls / 1024).toFixed(2)} KiB per call over ${calls} calls (${gc.eden} eden, ${gc.full} full collections)`);
  process.exit(0);
}

const { classifyRequest } = (await import(join(tree, "src/routing/classifier/classify-request.ts"))) as { classifyRequest: (request: unknown) => unknown };
const { chatRequestSchema } = (await import(join(import.meta.dir, "..", "src/chat/request-schema.ts"))) as { chatRequestSchema: { parse(value: unknown): unknown } };

const make = classifierBodies(kind);
const requests = Array.from({ length: 20 }, () => chatRequestSchema.parse(JSON.parse(make())));
const run = (count: number) => {
  for (let call = 0; call < count; call++) classifyRequest(requests[call % 20]);
};
run(Math.min(calls, 20_000));
Bun.gc(true);
process.stderr.write("\n--- measured ---\n");
run(calls);
process.stderr.write("\n--- end ---\n");
console.log(readFileSync("/proc/loadavg", "utf8"));
