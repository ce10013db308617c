import { expect, test } from "bun:test";
import type { ChatRequest } from "../../src/chat/request-schema";
import { sessionHeader, sessionKey } from "../../src/pipeline/session-key";

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

test("the session headers of Claude Code and Codex name the conversation, the generic one first", () => {
  expect(sessionHeader(new Headers({ "X-Claude-Code-Session-Id": "cc-1" }))).toBe("cc-1");
  expect(sessionHeader(new Headers({ session_id: "codex-1" }))).toBe("codex-1");
  expect(sessionHeader(new Headers({ "x-session-id": "mine", session_id: "codex-1" }))).toBe("mine");
  expect(sessionHeader(new Headers({ "user-agent": "curl" }))).toBeNull();
  const codexTurn = sessionKey(request("first"), sessionHeader(new Headers({ session_id: "codex-1" })));
  expect(codexTurn).toBe(sessionKey(request("another opening"), "codex-1"));
});
