import { Hono } from "hono";
import type { MiddlewareHandler } from "hono";
import { bodyWithinLimit } from "../src/doors/body-limit";
import { benchBody } from "./bench-question";

/**
 * `bun run bench/body-deadline-cost.ts`: what reading the body against BODY_READ_TIMEOUT_MS adds
 * to a request whose body is sent at once (doors/body-limit.ts: one timer and one race), in this
 * process. Two Hono apps whose handler reads the body as the doors do, one behind a middleware
 * that only passes on (before the deadline, a declared length within the limit passed without
 * reading), one behind bodyWithinLimit; alternated, µs per request, fastest and median of rounds.
 */
const body = benchBody({ stream: false });
const refuse = () => new Response("refused", { status: 400 });
const appWith = (middleware: MiddlewareHandler) => {
  const app = new Hono();
  app.use("*", middleware);
  app.post("/v1/chat/completions", async (c) => c.text(String((await c.req.arrayBuffer()).byteLength)));
  return app;
};
const apps = { passOn: appWith((_c, next) => next()), deadline: appWith(bodyWithinLimit(20 * 1024 * 1024, 30_000, refuse)) };
const request = () => new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, body });

const rounds: Record<keyof typeof apps, number[]> = { passOn: [], deadline: [] };
const perRound = 5_000;
for (let round = 0; round < 24; round++) {
  for (const name of (round % 2 === 0 ? ["passOn", "deadline"] : ["deadline", "passOn"]) as Array<keyof typeof apps>) {
    const app = apps[name];
    const started = performance.now();
    for (let index = 0; index < perRound; index++) await (await app.request(request())).text();
    if (round >= 4) rounds[name].push(((performance.now() - started) * 1000) / perRound);
  }
}
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `fastest ${sorted[0]!.toFixed(2)} µs, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} µs`;
};
console.log(`load average ${(await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ")}; ${Buffer.byteLength(body)}-byte body, ${perRound} requests a round`);
for (const name of Object.keys(apps) as Array<keyof typeof apps>) console.log(`${name.padEnd(9)} ${summary(rounds[name])}`);
