import { afterAll, beforeAll, expect, test } from "bun:test";
import type OpenAI from "openai";
import type { MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { startOpenAIDoorProxy } from "../helpers/proxy-with-upstream";
import type { TestProxy } from "../helpers/test-proxy";

/**
 * An OpenAI-compatible server that answers without usage (no `usage` in the completion; a stream
 * that ignores `stream_options.include_usage`, as some self-hosted servers do) still read the
 * prompt and wrote the answer. Its row used to say 0 tokens and $0, so neither the dashboard nor
 * the budgets counted it; now it is estimated as for a stream the client left (prompt estimate,
 * output characters / 3.5), priced and flagged `usage_estimated`.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ upstream, proxy, client, close } = await startOpenAIDoorProxy());
});
afterAll(async () => {
  await close?.();
});

const prompt = "Explain the borrow checker in detail. ".repeat(40);
const answer = "The borrow checker enforces aliasing XOR mutation. ".repeat(14);
const base = { id: "chatcmpl-nousage", created: 1762000000, model: "gpt-4o-mini" };

function expectEstimated(row: { tokensIn: number; tokensOut: number; costUsd: number; usageEstimated: boolean; status: number }) {
  expect(row).toMatchObject({ status: 200, usageEstimated: true });
  // ~1,500 characters of prompt at 3.5 a token, plus a few per message; the answer's 714 characters.
  expect(row.tokensIn).toBeGreaterThan(400);
  expect(row.tokensIn).toBeLessThan(500);
  expect(row.tokensOut).toBe(Math.ceil(answer.length / 3.5));
  // gpt-4o-mini: $0.15 in, $0.60 out per million.
  expect(row.costUsd).toBeCloseTo((row.tokensIn * 0.15 + row.tokensOut * 0.6) / 1_000_000, 12);
}

test("a completion without usage is estimated, priced and flagged", async () => {
  upstream.enqueue({
    kind: "json",
    body: { ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }] },
  });
  const { data, response } = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }).withResponse();
  expect(data.choices[0]!.message.content).toBe(answer);
  expectEstimated((await proxy.logRow(response.headers.get("x-task-id")!))!);
});

test("a stream that ends without a usage chunk is estimated, priced and flagged", async () => {
  const chunk = (delta: object, finish: string | null) => JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  upstream.enqueue({ kind: "lines", lines: [chunk({ role: "assistant", content: answer.slice(0, 100) }, null), chunk({ content: answer.slice(100) }, null), chunk({}, "stop"), "[DONE]"] });
  const { data: stream, response } = await client.chat.completions
    .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let text = "";
  for await (const part of stream) text += part.choices[0]?.delta.content ?? "";
  expect(text).toBe(answer);
  expectEstimated((await proxy.logRow(response.headers.get("x-task-id")!))!);
});
