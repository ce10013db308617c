import { readFileSync } from "node:fs";
import { startChild } from "./child-process";
import { benchBody } from "./bench-question";
import { createSocketFetch } from "./upstream-http/socket-fetch";

/**
 * `bun run bench/fetch-vs-socket.ts`: one upstream round trip to the benchmark's mock, through
 * `fetch` (Bun's HTTP client thread: the request crosses to it and the answer back) and through a
 * keep-alive HTTP/1.1 exchange on a `Bun.connect` socket on the JavaScript thread's own loop (a
 * sketch that reads Content-Length bodies only, not a client): back to back, after 150 µs of busy
 * JavaScript (as the proxy's stages before its fetch), and after a 1 ms sleep (as a thread idle
 * between requests at one connection). Interleaved in runs of ten; medians in µs. The prototype
 * client (bench/upstream-http/socket-fetch.ts, a fetch-compatible function over such sockets) runs
 * beside both. Then the process's CPU a call with 32 calls at once, Bun's fetch against the
 * prototype client, alternating over six rounds (the mock upstream is another process).
 */
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const url = `${upstream.origin}/v1/chat/completions`;
const body = JSON.stringify({ model: "gpt-4o-mini", temperature: 0.2, messages: JSON.parse(benchBody()).messages, stream: false });
const spans = new Map<string, number[]>();
const add = (name: string, ms: number) => (spans.get(name) ?? spans.set(name, []).get(name)!).push(ms);
async function viaFetch(): Promise<void> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  JSON.parse(await response.text());
}
// The prototype JavaScript-thread client (bench/upstream-http), called as the providers call fetch.
const socketFetch = createSocketFetch();
async function viaSocketFetch(): Promise<void> {
  const response = await socketFetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  JSON.parse(await response.text());
}
let pending: ((text: string) => void) | undefined;
let received = "";
const socket = await Bun.connect({
  hostname: "127.0.0.1",
  port: upstream.port,
  socket: {
    data(_socket, chunk) {
      received += chunk.toString("latin1");
      const headerEnd = received.indexOf("\r\n\r\n");
      if (headerEnd === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(received.slice(0, headerEnd))?.[1] ?? 0);
      if (received.length - headerEnd - 4 < length) return;
      const text = received.slice(headerEnd + 4, headerEnd + 4 + length);
      received = received.slice(headerEnd + 4 + length);
      const resolve = pending;
      pending = undefined;
      resolve?.(text);
    },
  },
});
const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
async function viaSocket(): Promise<void> {
  const answered = new Promise<string>((resolve) => (pending = resolve));
  socket.write(head + body);
  JSON.parse(await answered);
}
const busy = (microseconds: number) => {
  const end = performance.now() + microseconds / 1000;
  while (performance.now() < end);
};
const timed = async (name: string, call: () => Promise<void>) => {
  const started = performance.now();
  await call();
  add(name, performance.now() - started);
};
for (let round = 0; round < 2; round++) {
  for (let index = 0; index < 200; index++) {
    for (let run = 0; run < 10; run++) await timed("fetch, back to back", viaFetch);
    for (let run = 0; run < 10; run++) await timed("socket, back to back", viaSocket);
    for (let run = 0; run < 10; run++) await timed("socket-fetch, back to back", viaSocketFetch);
    for (let run = 0; run < 10; run++) (busy(150), await timed("fetch after 150 µs busy", viaFetch));
    for (let run = 0; run < 10; run++) (busy(150), await timed("socket after 150 µs busy", viaSocket));
    for (let run = 0; run < 10; run++) (busy(150), await timed("socket-fetch after 150 µs busy", viaSocketFetch));
    for (let run = 0; run < 5; run++) (await Bun.sleep(1), await timed("fetch after a 1 ms sleep", viaFetch));
    for (let run = 0; run < 5; run++) (await Bun.sleep(1), await timed("socket after a 1 ms sleep", viaSocket));
    for (let run = 0; run < 5; run++) (await Bun.sleep(1), await timed("socket-fetch after a 1 ms sleep", viaSocketFetch));
  }
  if (round === 0) spans.clear();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`fetch against a socket on the JavaScript thread; load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [name, values] of spans) console.log(`  ${name.padEnd(34)}${(median(values) * 1000).toFixed(0).padStart(6)} µs median (${values.length})`);

// 32 calls at once: CPU a call (this process only: user + system from process.cpuUsage).
const concurrentCpu = new Map<string, number[]>();
for (let round = 0; round < 6; round++) {
  const sides: Array<[string, () => Promise<void>]> = [["fetch, 32 at once", viaFetch], ["socket-fetch, 32 at once", viaSocketFetch]];
  for (const [name, call] of round % 2 === 0 ? sides : sides.toReversed()) {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: 32 }, async () => {
      for (let index = 0; index < 100; index++) await call();
    }));
    const used = process.cpuUsage(before);
    (concurrentCpu.get(name) ?? concurrentCpu.set(name, []).get(name)!).push((used.user + used.system) / 3200);
  }
}
for (const [name, values] of concurrentCpu) console.log(`  ${name.padEnd(34)}${median(values).toFixed(0).padStart(6)} µs CPU a call, median of rounds (${values.map((value) => value.toFixed(0)).join(", ")})`);
console.log(`  load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
socket.end();
await upstream.stop();
