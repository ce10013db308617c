import { expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { openAIDoorProxyForFile } from "../helpers/proxy-with-upstream";

/**
 * An agent that cut an emoji in half sends a lone UTF-16 surrogate (the SDKs' JSON.stringify writes it
 * as the escape `\ud83d`), and resends it in every later turn. Anthropic's API answers that with
 * "no low surrogate in string", which ends the session for good; the proxy replaces each lone
 * surrogate with U+FFFD, as a UTF-8 decoder does, so each door answers and the upstream gets text.
 */
const setup = openAIDoorProxyForFile({ CACHE_ENABLED: "false" });

const cutEmoji = "tests pass \ud83d and the build \ude00 is green \ud83d";
const replaced = "tests pass \ufffd and the build \ufffd is green \ufffd";
const upstreamUserText = () => {
  const messages = setup.upstream.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
  const content = messages.findLast((message) => message.role === "user")!.content;
  return typeof content === "string" ? content : (content as Array<{ text: string }>).map((part) => part.text).join("");
};

test("chat door: a lone surrogate reaches the upstream as U+FFFD, and the request is answered", async () => {
  const answer = await setup.client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: cutEmoji }] });
  expect(answer.choices[0]?.message.content).toBe("Hello from the mock upstream.");
  expect(upstreamUserText()).toBe(replaced);
});

test("Messages door (Claude Code's): a lone surrogate in a resent turn and in the system prompt is replaced", async () => {
  const message = await setup.anthropic.messages.create({
    model: "gpt-4o",
    max_tokens: 100,
    system: [{ type: "text", text: "You are terse \udfff." }],
    messages: [
      { role: "user", content: [{ type: "text", text: cutEmoji }] },
      { role: "assistant", content: "Noted." },
      { role: "user", content: cutEmoji },
    ],
  });
  expect(message.content).toMatchObject([{ type: "text", text: "Hello from the mock upstream." }]);
  const messages = setup.upstream.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
  expect(JSON.stringify(messages)).not.toMatch(/\\ud[89a-f]/i);
  expect(JSON.stringify(messages)).toContain("You are terse \ufffd.");
  expect(upstreamUserText()).toBe(replaced);
});

test("Responses door (Codex's): a lone surrogate in the input is replaced", async () => {
  const response = await setup.client.responses.create({ model: "gpt-4o", input: cutEmoji });
  expect(response.output_text).toBe("Hello from the mock upstream.");
  expect(upstreamUserText()).toBe(replaced);
});

test("a pair split only by the JSON (an escaped high half, then an escaped low half) is one character, untouched", async () => {
  const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"ok \\ud83d\\ude00"}]}';
  const response = await fetch(`${setup.proxy.origin}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
  expect(response.status).toBe(200);
  expect(upstreamUserText()).toBe("ok 😀");
});
