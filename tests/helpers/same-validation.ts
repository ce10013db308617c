import { expect } from "bun:test";
import type { z } from "zod";
import { parseJsonBody } from "../../src/doors/parse-json-body";
import type { DoorCorpus } from "./malformed-corpus/types";

/** A value with every object's keys listed in order (undefined values marked), for an order-sensitive comparison. */
export function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === "object" && value !== null) return Object.keys(value).map((key) => [key, ordered((value as Record<string, unknown>)[key])]);
  return value === undefined ? "<undefined>" : value;
}

/**
 * The body with plain turns added after its own (when it has some), so that the door takes the hand
 * path below its minimum number of turns too; the body's own turns come first, so the schema's
 * issues name the same places.
 */
export function padded(body: unknown): unknown {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages) || messages.length === 0) return body;
  return { ...(body as object), messages: [...messages, { role: "user", content: "pad" }, { role: "user", content: "pad" }, { role: "user", content: "pad" }] };
}

type Parse = (body: unknown) => { success: boolean; data?: unknown; error?: { issues: unknown } };

/** Each pair's hand-built check against its zod schema on the body: the same success, output (key order included) and issues. */
export function expectSameAsSchemas(body: unknown, pairs: ReadonlyArray<readonly [z.ZodType, Parse]>): void {
  for (const [schema, parse] of pairs) {
    const expected = schema.safeParse(structuredClone(body));
    const actual = parse(structuredClone(body));
    expect(actual.success).toBe(expected.success);
    if (expected.success) expect(ordered(actual.data)).toEqual(ordered(expected.data));
    else expect(actual.error?.issues).toEqual(expected.error.issues);
  }
}

/**
 * The door corpus's bodies that reach a door's schema: what the door's parser refuses (bad JSON, deep
 * nesting, lone surrogates) never does, and bodies over 1,000,000 characters are left out for time.
 */
export function* parsedCorpusBodies(corpus: DoorCorpus): Generator<unknown> {
  for (const request of corpus.generate({ maxBodyBytes: 2 * 1024 * 1024 })) {
    if (typeof request.body !== "string" || request.body.length > 1_000_000) continue;
    let body: unknown;
    try {
      body = parseJsonBody(new TextEncoder().encode(request.body));
    } catch {
      continue;
    }
    yield body;
  }
}
