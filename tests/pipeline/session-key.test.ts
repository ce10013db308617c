import { expect, test } from "bun:test";
import type { ChatRequest } from "../../src/chat/request-schema";
import { sessionKey } from "../../src/pipeline/session-key";

const request = (content: ChatRequest["messages"][number]["content"]) => ({ model: "auto", messages: [{ role: "user", content }] }) as ChatRequest;

test("the opening fingerprint is the same whether the text came as one string or as parts", () => {
  const text = "Refactor the payment module ".repeat(400);
  const parts = text.match(/.{1,50}/gs)!.map((piece) => ({ type: "text", text: piece }));
  expect(sessionKey(request(parts), null)).toBe(sessionKey(request(text), null));
  // Only the opening counts: what follows it does not change the conversation's key.
  expect(sessionKey(request([...parts, { type: "text", text: "more" }]), null)).toBe(sessionKey(request(text), null));
});

test("half a million parts are not all read to take the first 4096 characters", () => {
  let reads = 0;
  const part = {
    type: "text",
    get text() {
      reads++;
      return "fix a.ts ";
    },
  };
  sessionKey(request(Array.from({ length: 500_000 }, () => part)), null);
  // 4096 characters are 456 parts of 9; joining every part first read all 500,000 of them (76 ms).
  expect(reads).toBeLessThan(2_000);
});
