import { expect } from "bun:test";
import type { MockOpenAIUpstream } from "./mock-openai-upstream";
import type { TestProxy } from "./test-proxy";
import { waitFor } from "./wait-for";

/**
 * A client that gives up before the answer starts: the upstream is told to hang, the chat request
 * goes out under a user-agent of its own, and is aborted once it has reached the upstream. Resolves
 * when the upstream has seen the proxy abort its call, with the user-agent that finds the log row.
 */
export async function giveUpBeforeAnswer(upstream: MockOpenAIUpstream, proxy: TestProxy, stream: boolean): Promise<string> {
  const abortedBefore = upstream.aborted;
  const requestsBefore = upstream.requests.length;
  const userAgent = `gives-up/${crypto.randomUUID()}`;
  upstream.enqueue({ kind: "hang" });
  const giveUp = new AbortController();
  const pending = fetch(`${proxy.origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream }),
    signal: giveUp.signal,
  }).catch((error: unknown) => error);
  await waitFor(() => upstream.requests.length > requestsBefore, { what: "the request to reach the upstream" });
  giveUp.abort();
  expect(await pending).toBeInstanceOf(Error);
  await waitFor(() => upstream.aborted > abortedBefore, { what: "the upstream request to be aborted" });
  return userAgent;
}
