import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWithPreload } from "../helpers/start-with-preload";

/**
 * A running proxy survives a rejection nothing awaits and a throw outside any request
 * (fixtures/runtime-failures/preload.ts injects both once the test has seen it listen): it logs each, without the
 * configured key, and keeps answering.
 */
const preload = new URL("../fixtures/runtime-failures/preload.ts", import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "claude-proxy-runtime-failure-"));
const signal = join(home, "failed");
const go = join(home, "listening");
const secret = "sk-canary-runtime-0123456789abcdef";

afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Everything a stream has written so far, kept up to date as it writes. */
function collect(stream: ReadableStream<Uint8Array>): { text: string } {
  const seen = { text: "" };
  void (async () => {
    const decoder = new TextDecoder();
    for await (const bytes of stream) seen.text += decoder.decode(bytes, { stream: true });
  })();
  return seen;
}

test("after a late unhandled rejection and an uncaught throw, the proxy still answers and logged both without the key", async () => {
  const child = startWithPreload(preload, home, secret, { RUNTIME_FAILURE_SIGNAL: signal, RUNTIME_FAILURE_GO: go });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const output = () => stdout.text + stderr.text;
  let health: number | undefined;
  try {
    const listening = () => /"url":"(http:\/\/127\.0\.0\.1:\d+)\/v1"/.exec(output())?.[1];
    for (let i = 0; i < 1000 && listening() === undefined && child.exitCode === null; i++) await Bun.sleep(20);
    // Listening: now the preload injects its failures.
    writeFileSync(go, "");
    for (let i = 0; i < 1000 && !existsSync(signal) && child.exitCode === null; i++) await Bun.sleep(20);
    await Bun.sleep(100);
    expect({ exitCode: child.exitCode, listening: listening() !== undefined }).toEqual({ exitCode: null, listening: true });
    health = (await fetch(`${listening()}/health`)).status;
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
  expect(health).toBe(200);
  expect(output()).toContain("a task failed with nothing to handle it; the proxy keeps serving");
  expect(output()).toContain("late rejection with key");
  expect(output()).toContain("an unexpected error was thrown outside any request; the proxy keeps serving");
  expect(output()).toContain("late throw with key");
  expect(output()).not.toContain(secret);
}, 40_000);
