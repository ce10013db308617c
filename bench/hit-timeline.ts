import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchProxyConfig } from "./bench-proxy-config";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { startChild } from "./child-process";
import { hitBodies } from "./hit-bodies";

/**
 * `bun run bench/hit-timeline.ts [small|large] [requests]`: one cache hit at a time through the real
 * app (`app.fetch`, no socket), median µs to the Response and to its last byte, after the answer is
 * stored and the path warmed. With `--cpu-prof` it shows where a hit's time goes.
 */
const which = process.argv[2] === "large" ? "large" : "small";
const requests = Number(process.argv[3] ?? 3_000);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-hit-timeline-"));
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await buildProxy(
  benchProxyConfig(`${upstream.origin}/v1`, dataDir, JSON.parse(process.env.BENCH_PROXY_ENV ?? "{}") as Record<string, string>),
  silentLogger,
);
const text = hitBodies[which];
const send = async () => {
  const started = performance.now();
  const response = await proxy.app.fetch(
    new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, body: text }),
  );
  const answered = performance.now();
  await response.text();
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  return { answered: answered - started, read: performance.now() - started, cache: response.headers.get("x-cache") };
};
await send();
await Bun.sleep(300);
for (let index = 0; index < 500; index++) await send();
const answered: number[] = [];
const read: number[] = [];
const statuses = new Map<string, number>();
for (let index = 0; index < requests; index++) {
  const timing = await send();
  answered.push(timing.answered);
  read.push(timing.read);
  statuses.set(String(timing.cache), (statuses.get(String(timing.cache)) ?? 0) + 1);
}
const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]! * 1000;
console.log(`${which} (${text.length} bytes), ${requests} requests: to the Response ${median(answered).toFixed(0)} µs, to the last byte ${median(read).toFixed(0)} µs; x-cache ${JSON.stringify(Object.fromEntries(statuses))}`);
await proxy.close();
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
