import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startChild } from "./child-process";
import { summarizeGcLog } from "./gc-log-summary";

/**
 * `bun run bench/stream-body-allocation.ts [streams] [rounds] [other tree]`: the JavaScript heap one
 * upstream stream's body costs to read, with real `fetch` bodies from the benchmark's mock
 * (bench/serve-upstream.ts in its own process: 20 chunks 5 ms apart, then `data: [DONE]`), 64 at
 * once, each way in a process of its own under BUN_JSC_logGC=1 (gc-log-summary.ts):
 *   small  the provider's small-buffer body (small-buffer-body.ts) read to its end;
 *   chain  the same through the provider's SSE decoder in a pulled chain (pullThrough), as the proxy reads it.
 * With another checkout as third argument, each way runs from both trees, alternated A-B-B-A, so a
 * change is measured against the code before it. The figure moves between runs of the same code
 * (collections the runtime starts on its own are not in the log): compare the collections counted
 * too, and several rounds. Also prints the eden collections per 1,000 streams.
 */
const [streamsArgument = "3000", roundsArgument = "2", otherArgument] = process.argv.slice(2);

if (process.env.STREAM_BODY_ALLOCATION_CHILD === "1") {
  const tree = process.env.STREAM_BODY_TREE!;
  const { smallBufferBody } = await import(join(tree, "src/providers/openai-compatible/small-buffer-body.ts"));
  const { sseDecoderTransformer } = await import(join(tree, "src/streams/sse-decoder.ts"));
  const { pullThrough } = await import(join(tree, "src/streams/sync-transformer.ts"));
  const url = `${process.env.STREAM_BODY_UPSTREAM}/v1/chat/completions`;
  const request = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] });
  const chain = process.env.STREAM_BODY_WAY === "chain";
  const one = async () => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: request });
    if (chain) for await (const _ of pullThrough(smallBufferBody(response.body!), sseDecoderTransformer()));
    else {
      const reader = (smallBufferBody(response.body!) as ReadableStream<Uint8Array>).getReader();
      while (!(await reader.read()).done);
    }
  };
  const round = async (streams: number) => {
    let issued = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (issued++ < streams) await one();
    }));
  };
  await round(500);
  console.error("--- measured ---");
  await round(Number(streamsArgument));
  console.error("--- end ---");
  process.exit(0);
}

const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const trees = [resolve(import.meta.dir, ".."), ...(otherArgument ? [resolve(otherArgument)] : [])];
const results = new Map<string, { kib: number[]; eden: number[] }>();
for (let round = 0; round < Number(roundsArgument); round++) {
  for (const way of ["small", "chain"]) {
    for (const tree of round % 2 === 0 ? trees : [...trees].reverse()) {
      const child = Bun.spawn([process.execPath, "run", import.meta.path, streamsArgument], {
        env: { ...process.env, STREAM_BODY_ALLOCATION_CHILD: "1", STREAM_BODY_TREE: tree, STREAM_BODY_WAY: way, STREAM_BODY_UPSTREAM: upstream.origin, BUN_JSC_logGC: "1" },
        stdout: "ignore",
        stderr: "pipe",
      });
      const log = await new Response(child.stderr).text();
      await child.exited;
      const start = log.indexOf("--- measured ---");
      const end = log.indexOf("--- end ---");
      if (start === -1 || end === -1) throw new Error(`${way} from ${tree}: no measured part in the log`);
      const gc = summarizeGcLog(log.slice(start, end));
      const key = `${way} ${tree}`;
      const entry = results.get(key) ?? { kib: [], eden: [] };
      entry.kib.push(gc.allocatedBytes / Number(streamsArgument) / 1024);
      entry.eden.push((1000 * gc.eden) / Number(streamsArgument));
      results.set(key, entry);
    }
  }
}
await upstream.stop();
console.log(`heap allocated per stream body, ${streamsArgument} streams a run, 64 at once; load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [key, { kib, eden }] of results) console.log(`  ${key}: ${kib.map((value) => value.toFixed(1)).join(", ")} KiB; eden collections per 1,000 streams ${eden.map((value) => value.toFixed(1)).join(", ")}`);
