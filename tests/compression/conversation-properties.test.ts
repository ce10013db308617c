import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { ChatMessage } from "../../src/chat/request-schema";
import { compressRequest } from "../../src/compression/compress-request";
import { conversation, turns } from "./conversations";
import { chatRequest, textOf } from "./request-helpers";

const RUNS = 300;
const compressed = (messages: unknown[]) => compressRequest(chatRequest(messages)).request.messages;

const CALL_REFERENCE = /^\[Repeated output omitted: identical to the earlier result of ([\s\S]*) \(tool call (\S+)\) above, [\d,]+ lines\.\]$/;
const TEXT_REFERENCE = /^\[Repeated text omitted: identical to the earlier text above that begins "([\s\S]*)", [\d,]+ lines\.\]$/;

/** How the model names a tool result: the call's name and arguments, as the reference prints them. */
function callName(messages: ChatMessage[], toolCallId: string): string | undefined {
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    const call = message.tool_calls?.find((candidate) => candidate.id === toolCallId);
    if (call) return `${call.function.name} ${call.function.arguments}`.slice(0, 160);
  }
  return undefined;
}

const firstLine = (text: string) => (/^[ \t]*(\S[^\n]*)/m.exec(text)?.[1] ?? "").trimEnd().replaceAll('"', "'").slice(0, 100);

/** What the message says once each reference is replaced by what it names, checking each names one content. */
function resolveReferences(output: ChatMessage[], input: unknown[]): string[] {
  const meaning: string[] = [];
  output.forEach((message, index) => {
    const text = textOf(message);
    const call = CALL_REFERENCE.exec(text);
    const first = TEXT_REFERENCE.exec(text);
    if (!call && !first) {
      meaning.push(text);
      return;
    }
    const named = output
      .map((candidate, candidateIndex) => ({ candidate, candidateIndex }))
      .filter(({ candidate, candidateIndex }) => {
        if (candidateIndex >= index) return false;
        if (call) return candidate.role === "tool" && callName(output, candidate.tool_call_id) === call[1];
        return firstLine(meaning[candidateIndex]!) === first![1];
      })
      .map(({ candidateIndex }) => meaning[candidateIndex]!);
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named).size).toBe(1); // unambiguous: every text the name can point at says the same
    // …and it says what this message said, normalised on its own (nothing earlier to refer to).
    const alone = message.role === "tool" ? [input[index - 1], input[index]] : [input[index]];
    expect(named[0]).toBe(textOf(compressed(alone).at(-1)));
    meaning.push(named[0]!);
  });
  return meaning;
}

describe("conversations", () => {
  test("the compressed prefix is identical when turns are appended", () => {
    fc.assert(
      fc.property(turns, (list) => {
        const messages = conversation(list);
        const full = compressed(messages);
        for (let length = 1; length < messages.length; length++) expect(compressed(messages.slice(0, length))).toEqual(full.slice(0, length));
      }),
      { numRuns: RUNS },
    );
  });

  test("every reference names exactly one earlier content, and it is this message's content", () => {
    fc.assert(
      fc.property(turns, (list) => {
        const messages = conversation(list);
        resolveReferences(compressed(messages), messages);
      }),
      { numRuns: RUNS },
    );
  });

  test("compressing twice gives the same request", () => {
    fc.assert(
      fc.property(turns, (list) => {
        const once = compressed(conversation(list));
        expect(compressed(once)).toEqual(once);
      }),
      { numRuns: RUNS },
    );
  });

  test("with a cache mark moving to the newest message each turn, no message ever changes between turns", () => {
    const strip = (messages: ChatMessage[]) =>
      messages.map((message) => ({ ...message, content: Array.isArray(message.content) ? message.content.map(({ cache_control: _, ...part }) => part) : message.content }));
    fc.assert(
      fc.property(turns, (list) => {
        const messages = conversation(list);
        let previous: ReturnType<typeof strip> = [];
        for (let length = 2; length <= messages.length; length++) {
          // Clients send a request after a user or tool turn and mark that newest turn.
          if (messages[length - 1]!.role === "assistant") continue;
          const request = messages.slice(0, length).map((message, index) =>
            index === length - 1 ? { ...message, content: [{ type: "text", text: message.content, cache_control: { type: "ephemeral" } }] } : message,
          );
          const current = strip(compressed(request));
          // The previously newest message lost its mark; everything before it must be unchanged.
          if (previous.length > 0) expect(current.slice(0, previous.length - 1)).toEqual(previous.slice(0, -1));
          expect(current.slice(0, length - 1).map((message) => textOf(message as unknown as ChatMessage))).toEqual(messages.slice(0, length - 1).map((message) => textOf(message as ChatMessage)));
          previous = current;
        }
      }),
      { numRuns: 100 },
    );
  });
});
