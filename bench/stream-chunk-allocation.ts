import { join } from "node:path";
import { readFileSync } from "node:fs";
import { summarizeGcLog } from "./gc-log-summary";

/**
 * `bun run bench/stream-chunk-allocation.ts [streams per round] [rounds]`: how much JavaScript heap
 * each stage of the stream path allocates per upstream event (bench/stream-chunk-costs.ts's stages,
 * the real code in one process, 16 streams at once), from JavaScriptCore's log of each collection
 * cycle (BUN_JSC_logGC=1, gc-log-summary.ts): each stage runs alone in a process of its own. Unlike
 * CPU time, the machine's load does not move it much, and allocation is what sets how often the
 * collector runs during 64 streams (its pauses are ~a quarter of the proxy's JavaScript thread there).
 */
const [streams = "1000", rounds = "4"] = process.argv.slice(2);
const stages = ["upstream only", "provider decode", "+ watch", "+ observer", "+ door encoder"];
let previous = 0;
console.log(`stream path, heap allocated per upstream event (KiB is 1,024 bytes); load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const stage of stages) {
  const child = Bun.spawn([process.execPath, "run", join(import.meta.dir, "stream-chunk-costs.ts"), streams, rounds], {
    env: { ...process.env, STREAM_CHUNK_STAGE: stage, BUN_JSC_logGC: "1" },
    stdout: "ignore",
    stderr: "pipe",
  });
  const log = await new Response(child.stderr).text();
  await child.exited;
  const start = log.indexOf("--- measured ---");
  const end = /--- end: (\d+) events ---/.exec(log);
  if (start === -1 || !end) throw new Error(`${stage}: no measured part in the log`);
  const gc = summarizeGcLog(log.slice(start, end.index));
  const perEvent = gc.allocatedBytes / Number(end[1]);
  console.log(`  ${stage.padEnd(16)} ${perEvent.toFixed(0).padStart(6)} B (${previous ? `+${(perEvent - previous).toFixed(0)}` : "—"}); ${gc.eden} eden, ${gc.full} full`);
  previous = perEvent;
}
