import { expect, test } from "bun:test";
import type { ChatRequest } from "../../src/chat/request-schema";
import { CHARACTERS_PER_TOKEN, requestNeeds } from "../../src/routing/request-needs";

const tool = (name: string, description: string) => ({ type: "function" as const, function: { name, description, parameters: { type: "object", properties: {} } } });

test("tool definitions count by their JSON length, the same when asked again, and anew for another list", () => {
  const small = [tool("read", "Reads a file.")];
  const large = [tool("read", "Reads a file."), tool("write", "x".repeat(7_000))];
  const request = (tools: typeof small) => ({ model: "auto", messages: [{ role: "user", content: "hi" }], tools }) as unknown as ChatRequest;
  const withSmall = request(small);
  const first = requestNeeds(withSmall).promptTokens;
  expect(requestNeeds(withSmall).promptTokens).toBe(first);
  // What the estimate was before the length was remembered: messages, then the tools' JSON.
  expect(first).toBe(Math.ceil(("hi".length + JSON.stringify(small).length) / CHARACTERS_PER_TOKEN) + 4);
  const withLarge = request(large);
  expect(requestNeeds(withLarge).promptTokens).toBe(Math.ceil(("hi".length + JSON.stringify(large).length) / CHARACTERS_PER_TOKEN) + 4);
  expect(requestNeeds(withLarge).promptTokens).toBeGreaterThan(first + 1_900);
});
