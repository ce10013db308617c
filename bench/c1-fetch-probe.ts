import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchProxyConfig } from "./bench-proxy-config";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { startChild } from "./child-process";
import { createScratchDatabase } from "./scratch-database";
import { benchBody } from "./bench-question";
import { createSocketFetch } from "./upstream-http/socket-fetch";

/**
 * `bun run bench/c1-fetch-probe.ts [requests]`: the upstream fetch's round trip at one connection,
 * in-process against the benchmark's mock upstream: a plain fetch back to back, one with the
 * proxy's SDK headers, abort signal and timer (`like`, `only-headers`, `only-signal`, `only-timer`,
 * `only-headers+signal`), the proxy's own fetch inside a request (`proxy`: the request's time to
 * the fetch, the fetch, provider.complete around it, and the rest), a plain fetch right after a
 * proxy request (`alternate`, `alternate-like`), and one after a 1 ms sleep (`plain-gap`);
 * `proxy-socket` is `proxy` with the upstream call made by the prototype JavaScript-thread client
 * (bench/upstream-http/socket-fetch.ts) instead of Bun's fetch, in the same process and proxy.
 * PROBE_MODES picks modes (comma-separated); every mode runs in every iteration, ten at a time,
 * the order rotated. PROBE_NO_PROXY=1 builds no proxy; PROBE_FINISH_AFTER_ANSWER=1 builds it as
 * the server does. Medians in µs.
 */
const requests = Number(process.argv[2] ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-probe-"));
const scratch = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL) : undefined;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const url = `${upstream.origin}/v1/chat/completions`;
const upstreamBody = JSON.stringify({ model: "gpt-4o-mini", temperature: 0.2, messages: JSON.parse(benchBody()).messages, stream: false });

const spans = new Map<string, number[]>();
const add = (name: string, ms: number) => {
  const values = spans.get(name);
  if (values) values.push(ms);
  else spans.set(name, [ms]);
};
let fetchStarted = 0;
let fetchHeaders = 0;
const socketFetch = createSocketFetch();
/** Which client the proxy's upstream call goes through, and the label suffix its spans get. */
let client: { fetch: typeof fetch; suffix: string } = { fetch, suffix: "" };
const timedFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  fetchStarted = performance.now();
  const response = await client.fetch(input, init);
  fetchHeaders = performance.now();
  add(`proxy fetch${client.suffix}: call to headers`, fetchHeaders - fetchStarted);
  return response;
}) as typeof fetch;

const proxy = process.env.PROBE_NO_PROXY
  ? undefined
  : await buildProxy(benchProxyConfig(`${upstream.origin}/v1`, dataDir, scratch ? { DATABASE_URL: scratch.url } : {}), silentLogger, { fetch: timedFetch, finishAfterAnswer: process.env.PROBE_FINISH_AFTER_ANSWER === "1" });

let completeStarted = 0;
let completeEnded = 0;
for (const provider of proxy?.providers ?? []) {
  const complete = provider.complete.bind(provider);
  provider.complete = async (call) => {
    completeStarted = performance.now();
    try {
      return await complete(call);
    } finally {
      completeEnded = performance.now();
    }
  };
}

const { sdkRequestTemplate } = await import("../src/providers/openai-compatible/sdk-request-template");
const built = await sdkRequestTemplate({ apiKey: "sk-bench-not-a-real-key", baseUrl: `${upstream.origin}/v1` })!.buildRequest({ method: "post", path: "/chat/completions", body: {} });
const sdkHeaders = [...new Headers(built.req.headers as Record<string, string>)];
async function plain(label: string, like = false, parts = "headers,signal,timer") {
  const started = performance.now();
  const controller = like && parts.includes("signal") ? new AbortController() : undefined;
  const timer = like && parts.includes("timer") ? setTimeout(() => controller?.abort(), 60_000) : undefined;
  const init: RequestInit = { method: "POST", headers: like && parts.includes("headers") ? sdkHeaders : { "content-type": "application/json" }, body: upstreamBody };
  if (controller) init.signal = controller.signal;
  const response = await fetch(url, init);
  clearTimeout(timer);
  const headers = performance.now();
  await response.text();
  const ended = performance.now();
  add(`${label}: call to headers`, headers - started);
  add(`${label}: call to body`, ended - started);
}

async function viaProxy(suffix = "") {
  const text = benchBody();
  const started = performance.now();
  const response = await proxy!.app.fetch(
    new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, body: text }),
  );
  const answered = performance.now();
  await response.text();
  add(`proxy${suffix}: whole`, performance.now() - started);
  add(`proxy${suffix}: start to upstream fetch call`, fetchStarted - started);
  add(`proxy${suffix}: start to provider.complete`, completeStarted - started);
  add(`provider${suffix}: complete to fetch call`, fetchStarted - completeStarted);
  add(`provider${suffix}: fetch headers to complete's end`, completeEnded - fetchHeaders);
  add(`proxy${suffix}: complete's end to answered`, answered - completeEnded);
  add(`proxy${suffix}: upstream headers to answered`, answered - fetchHeaders);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const modes = (process.env.PROBE_MODES ?? "plain,proxy,alternate,plain-gap").split(",");
const runMode = async (mode: string) => {
  if (mode === "plain") await plain("plain");
  else if (mode === "alternate-like") {
    await viaProxy();
    await plain("proxy-like right after a proxy request", true);
  } else if (mode === "like") await plain("proxy-like", true);
  else if (mode.startsWith("only-")) await plain(mode, true, mode.slice(5));
  else if (mode === "plain-gap") {
    await plain("plain-gap");
    await sleep(0);
  } else if (mode === "proxy") await viaProxy();
  else if (mode === "proxy-socket") {
    client = { fetch: socketFetch, suffix: " (socket client)" };
    await viaProxy(" (socket client)").finally(() => (client = { fetch, suffix: "" }));
  }
  else if (mode === "alternate") {
    await viaProxy();
    await plain("plain right after a proxy request");
  } else throw new Error(mode);
};
// Every mode in every iteration, the order rotated, so load changes hit all alike; each mode a run of ten.
for (let round = 0; round < 2; round++) {
  const measured = round === 1;
  for (let index = 0; index < (measured ? requests : 300) / 10; index++) {
    for (let offset = 0; offset < modes.length; offset++) {
      const mode = modes[(index + offset) % modes.length]!;
      for (let run = 0; run < 10; run++) await runMode(mode);
    }
  }
  if (!measured) spans.clear();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`fetch probe, ${requests} each, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
for (const [name, values] of spans) console.log(`  ${name.padEnd(44)}${(median(values) * 1000).toFixed(0).padStart(7)} µs median`);
await proxy?.close();
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
await scratch?.drop();
