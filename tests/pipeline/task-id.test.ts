import { expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { createContext } from "../../src/pipeline/create-context";

/**
 * A request's task id (the request log's primary key, the x-task-id header) is a UUID of version 7:
 * its first 48 bits are the time in milliseconds, and ids made one after another sort in the order
 * they were made, so the log's primary key index grows at its right edge (bench/PROFILE.md). The
 * rest stays unguessable: no two ids repeat.
 */
const request = chatRequestSchema.parse({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
const taskId = () => createContext({ door: "openai", request, http: new Request("http://127.0.0.1/v1/chat/completions", { method: "POST" }) }).taskId;

test("task ids are UUIDs of version 7, carrying the time they were made", () => {
  const before = Date.now();
  const id = taskId();
  const after = Date.now();
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const millis = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
  expect(millis).toBeGreaterThanOrEqual(before);
  expect(millis).toBeLessThanOrEqual(after);
});

test("task ids made one after another sort in that order, and none repeats", () => {
  const ids = Array.from({ length: 5_000 }, taskId);
  expect(ids.toSorted()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
});
