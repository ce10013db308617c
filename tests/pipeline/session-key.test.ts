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
  expect(sessionHeader(new Headers({ "session-id": "codex-2" }))).toBe("codex-2");
  expect(sessionHeader(new Headers({ "x-session-id": "mine", session_id: "codex-1" }))).toBe("mine");
  expect(sessionHeader(new Headers({ "user-agent": "curl" }))).toBeNull();
  const codexTurn = sessionKey(request("first"), sessionHeader(new Headers({ session_id: "codex-1" })));
  expect(codexTurn).toBe(sessionKey(request("another opening"), "codex-1"));
});

test("remembered openings give the same key as hashing the opening afresh, across interleaved conversations", () => {
  // The fingerprint as it is defined: the hash of the first system and first user texts, joined by NUL.
  const fresh = (system: string, user: string) => `opening:${Bun.hash(`${system}\u0000${user}`).toString(36)}`;
  const openings = Array.from({ length: 20 }, (_, index) => ({
    system: index % 3 === 0 ? "" : `You are assistant ${index % 4}.`,
    user: `Task ${index % 7}: ${"x".repeat(index * 300)}`,
  }));
  let seed = 3;
  for (let round = 0; round < 400; round++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const { system, user } = openings[seed % openings.length]!;
    const messages = [
      ...(system ? [{ role: "system", content: system }] : []),
      { role: "user", content: user },
      { role: "user", content: `turn ${round}` },
    ];
    const expected = fresh(system, user.slice(0, 4096));
    expect(sessionKey({ model: "auto", messages } as ChatRequest, null)).toBe(expected);
  }
  // Same length, same start, different text: not confused with a remembered opening.
  expect(sessionKey(request("abcd"), null)).toBe(fresh("", "abcd"));
  expect(sessionKey(request("abce"), null)).toBe(fresh("", "abce"));
});
