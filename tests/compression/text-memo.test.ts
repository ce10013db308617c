import { afterAll, expect, test } from "bun:test";
import fc from "fast-check";
import { compressRequest } from "../../src/compression/compress-request";
import { useTextMemo } from "../../src/compression/text-memo";
import { corpusTranscripts } from "../fixtures/compression-corpus/transcripts";
import { conversation, turns } from "./conversations";
import { chatRequest } from "./request-helpers";

/**
 * compressText remembers what it made of recent texts (text-memo.ts). With the memo cold, warm
 * (the same request again, as a client sends its conversation every turn) or off, a request must
 * compress to the same messages and the same stats: each transform's characters and texts, the
 * characters and tokens before and after.
 */
afterAll(() => useTextMemo(true));

function compressed(messages: unknown[]) {
  const { request, stats } = compressRequest(chatRequest(messages));
  const { durationMs: _durationMs, ...rest } = stats;
  return { messages: request.messages, stats: rest };
}

function threeWays(messages: unknown[]) {
  useTextMemo(false);
  const off = compressed(messages);
  useTextMemo(true);
  const cold = compressed(messages);
  const warm = compressed(messages);
  expect(cold).toEqual(off);
  expect(warm).toEqual(off);
  expect(JSON.stringify(warm.messages)).toBe(JSON.stringify(off.messages));
}

test("generated conversations compress alike with the memo off, cold and warm", () => {
  fc.assert(
    fc.property(turns, (list) => threeWays(conversation(list))),
    { numRuns: 300 },
  );
});

test("the corpus transcripts compress alike with the memo off, cold and warm", () => {
  for (const transcript of corpusTranscripts()) {
    const messages = transcript.messages.map((entry) => entry.message);
    threeWays(messages);
  }
});
