import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { defaultCompletion } from "../helpers/mock-openai-upstream";

/**
 * An OpenAI-wire provider's chat calls do not load the `openai` SDK (~6 MiB of the proxy's
 * resident memory): the request template is built without it (sdk-request-template.ts) and the
 * error classes come from `openai/core/error`, the same classes map-openai-error.ts reads, so an
 * upstream 429 still comes out as a retryable 429 with its Retry-After, not as an unreadable body.
 * Run in a process of its own, since this test file's process has the SDK loaded already.
 */
let requests = 0;
const upstream = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: async (request) => {
    const body = (await request.json()) as { model: string };
    if (requests++ === 0) return Response.json({ error: { message: "Rate limit reached.", type: "rate_limit_error", code: "rate_limit_exceeded" } }, { status: 429, headers: { "retry-after": "7" } });
    return Response.json(defaultCompletion(body.model));
  },
});
afterAll(() => upstream.stop(true));

test("chat calls leave the SDK unloaded, and their errors still map", async () => {
  const child = Bun.spawn([process.execPath, "run", join(import.meta.dir, "../helpers/openai-sdk-loading.ts"), `http://127.0.0.1:${upstream.port}/v1`], { stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const report = JSON.parse(stdout.trim());
  expect(report).toEqual({
    loadedBeforeProvider: false,
    loadedAtStart: false,
    loadedAfterCalls: false,
    error: { status: 429, code: "rate_limit_exceeded", retryable: true, retryAfterSeconds: 7, message: "OpenAI returned 429: Rate limit reached." },
    answer: "Hello from the mock upstream.",
  });
});
