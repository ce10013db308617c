import { beforeEach, describe, expect, test } from "bun:test";
import { agentRequestBodies } from "../../bench/agent-requests";
import type { ChatRequest } from "../../src/chat/request-schema";
import { compressRequest } from "../../src/compression/compress-request";
import { parseOpenAIChatRequest } from "../../src/doors/openai/openai-request-schema";
import { type KeptText, parseJsonBody } from "../../src/doors/parse-json-body";
import { releaseBody } from "../../src/doors/release-body";
import { rememberClientElements } from "../../src/doors/remember-client-json";
import { MAX_KEPT_BODIES, MAX_KEPT_CHARACTERS, forgetTurns, keepTurns, keptTurnsSize, samePrefixLength, turnTexts } from "../../src/doors/resent-turns";
import { silentLogger } from "../../src/logger";
import { upstreamBody } from "../../src/providers/openai-compatible/spliced-body";
import { toOpenAIRequest } from "../../src/providers/openai-compatible/to-openai-request";
import { parseKeepingFirstKey } from "../helpers/first-key-json";

/**
 * A large body that resends the turns of one the door parsed before takes their parsed values
 * (doors/resent-turns.ts). Each body goes through the chat door's steps as json-body.ts runs them
 * (parse, schema, the client's text remembered, the turns kept), and must give what the body gives
 * parsed whole: the same value as JSON.parse, the same refusal, and an upstream body that parses to
 * the request. The turns must be taken only where every byte up to them is the same.
 */
interface DoorResult {
  body: unknown;
  request: Record<string, unknown>;
  kept: KeptText;
}

const encoder = new TextEncoder();

function throughDoor(text: string): DoorResult {
  const bytes = encoder.encode(text);
  const kept: KeptText = { door: "openai" };
  const body = parseJsonBody(bytes, kept);
  const result = parseOpenAIChatRequest(body);
  if (!result.success) throw new Error("refused by the schema");
  const turns = turnTexts(kept);
  rememberClientElements(kept, body, result.data, turns);
  keepTurns("openai", bytes, kept, body, result.data, turns);
  return { body, request: result.data as Record<string, unknown>, kept };
}

/** What the upstream gets for the request, read by JSON.parse and by a parser keeping the first of two keys, against JSON.stringify's. */
function expectSameUpstream(request: Record<string, unknown>): void {
  const body = toOpenAIRequest(compressRequest(request as ChatRequest).request, "gpt-4o-mini", { maxTokensField: "max_tokens" }, silentLogger);
  const sent = upstreamBody(body);
  const text = typeof sent === "string" ? sent : new TextDecoder().decode(sent);
  const expected = JSON.parse(JSON.stringify(body)) as unknown;
  expect(JSON.parse(text)).toEqual(expected);
  expect(parseKeepingFirstKey(text)).toEqual(expected);
}

/** The refusal of the body parsed whole, or undefined. */
function wholeRefusal(text: string): string | undefined {
  try {
    parseJsonBody(encoder.encode(text));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function refusal(text: string): string | undefined {
  try {
    throughDoor(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

beforeEach(() => forgetTurns());

describe("an agent's successive turns", () => {
  for (const client of ["claude-code", "cline"] as const) {
    for (const size of [40_000, 200_000, 500_000]) {
      test(`${client} ~${size / 1000} KB: the value JSON.parse gives, the turns resent, the upstream body the same`, () => {
        const next = agentRequestBodies(client, size);
        let resent = 0;
        for (let turn = 0; turn < 16; turn++) {
          const text = next();
          const { body, request, kept } = throughDoor(text);
          expect(body).toEqual(JSON.parse(text));
          if (kept.resent) resent++;
          expectSameUpstream(request);
        }
        // A new session every ~10 turns shares only its system prompt.
        expect(resent).toBeGreaterThan(12);
      }, 60_000);
    }
  }

  test("two sessions at once, each resent from its own kept body", () => {
    const sessions = [agentRequestBodies("claude-code", 200_000), agentRequestBodies("cline", 200_000)];
    const counts: number[] = [];
    for (let turn = 0; turn < 16; turn++) {
      const text = sessions[turn % 2]!();
      const { body, kept } = throughDoor(text);
      expect(body).toEqual(JSON.parse(text));
      counts.push(kept.resent?.count ?? 0);
    }
    // Past the first turn of each, nearly every turn of the other session's body is resent.
    expect(counts.slice(2).filter((count) => count > 20).length).toBeGreaterThan(10);
  });
});

describe("turns are taken only where every byte before their end is the same", () => {
  function twoTurns(change: (next: Record<string, unknown>) => void): { text: string; result: DoorResult } {
    const next = agentRequestBodies("cline", 200_000);
    throughDoor(next());
    const value = JSON.parse(next()) as Record<string, unknown>;
    change(value);
    const text = JSON.stringify(value);
    return { text, result: throughDoor(text) };
  }

  test("one changed byte in an early turn: only the turns before it", () => {
    const { text, result } = twoTurns((value) => {
      const turn = (value.messages as Array<{ content: string }>)[3]!;
      turn.content = `${turn.content.slice(0, 40)}X${turn.content.slice(41)}`;
    });
    expect(result.body).toEqual(JSON.parse(text));
    expect(result.kept.resent?.count ?? 0).toBeLessThanOrEqual(3);
  });

  test("a changed tool (after the turns): its new value", () => {
    const { text, result } = twoTurns((value) => {
      const tool = (value.tools as Array<{ function: { description: string } }>)[0]!;
      tool.function.description += " Changed.";
    });
    expect(result.body).toEqual(JSON.parse(text));
    expect((result.request.tools as Array<{ function: { description: string } }>)[0]!.function.description).toEndWith(" Changed.");
    expect(result.kept.resent).toBeDefined();
  });

  test("a different model (before the turns): nothing resent", () => {
    const { text, result } = twoTurns((value) => {
      value.model = "gpt-4o";
    });
    expect(result.body).toEqual(JSON.parse(text));
    expect(result.kept.resent).toBeUndefined();
  });

  test("the same body again: every turn resent", () => {
    const text = agentRequestBodies("cline", 200_000)();
    throughDoor(text);
    const again = throughDoor(text);
    expect(again.body).toEqual(JSON.parse(text));
    expect(again.kept.resent?.count).toBe((JSON.parse(text) as { messages: unknown[] }).messages.length);
  });

  test("a repeated messages key after the turns: the last one, as JSON.parse", () => {
    const text = agentRequestBodies("cline", 200_000)();
    throughDoor(text);
    for (const [list, length] of [['[{"role":"user","content":"the last key wins"}]', 1], ["[]", 0]] as const) {
      const repeated = `${text.slice(0, -1)},"messages":${list}}`;
      // Parsed only: an empty list is the schema's to refuse.
      const body = parseJsonBody(encoder.encode(repeated), { door: "openai" });
      expect(body).toEqual(JSON.parse(repeated));
      expect((body as { messages: unknown[] }).messages).toHaveLength(length);
    }
  });

  test("the rest not JSON, or JSON only without the turns: refused in the whole body's words", () => {
    const text = agentRequestBodies("cline", 200_000)();
    throughDoor(text);
    const listEnd = text.indexOf("]", text.lastIndexOf('"tool_call_id"'));
    const cases = [
      // A comma after the last turn, then the list's end: `[]` once the turns are cut out.
      `${text.slice(0, listEnd)},${text.slice(listEnd)}`,
      `${text.slice(0, listEnd)},{"role":"user","content":"x"${text.slice(listEnd)}`,
      `${text.slice(0, listEnd)},${"[".repeat(200)}${"]".repeat(200)}${text.slice(listEnd)}`,
    ];
    for (const bad of cases) {
      const expected = wholeRefusal(bad);
      expect(expected).toBeDefined();
      expect(refusal(bad)).toBe(expected);
    }
  });

  test("a lone surrogate in the new turn is replaced as in a whole parse", () => {
    const text = agentRequestBodies("cline", 200_000)();
    throughDoor(text);
    const listEnd = text.indexOf("]", text.lastIndexOf('"tool_call_id"'));
    const next = `${text.slice(0, listEnd)},{"role":"user","content":"cut \\ud83d here"}${text.slice(listEnd)}`;
    const whole = parseJsonBody(encoder.encode(next)) as { messages: Array<{ content: unknown }> };
    expect(whole.messages.at(-1)?.content).toBe("cut \ufffd here");
    const kept: KeptText = { door: "openai" };
    expect(parseJsonBody(encoder.encode(next), kept)).toEqual(whole);
  });

  test("non-ASCII before, inside and after the resent turns", () => {
    const next = agentRequestBodies("cline", 200_000);
    const withDashes = (text: string) => {
      const value = JSON.parse(text) as { messages: Array<{ content: unknown }> };
      for (const turn of value.messages) if (typeof turn.content === "string") turn.content = `— ${turn.content} 😀`;
      return JSON.stringify(value);
    };
    throughDoor(withDashes(next()));
    for (let turn = 0; turn < 4; turn++) {
      const text = withDashes(next());
      const { body, request, kept } = throughDoor(text);
      expect(body).toEqual(JSON.parse(text));
      expect(kept.resent).toBeDefined();
      expectSameUpstream(request);
    }
  });

  test("samePrefixLength finds the first differing byte", () => {
    const a = Buffer.alloc(100_000, 97);
    for (const at of [0, 1, 63, 64, 65, 4095, 50_000, 99_999]) {
      const b = Buffer.from(a);
      b[at] = 98;
      expect(samePrefixLength(a, b, a.length)).toBe(at);
    }
    expect(samePrefixLength(a, Buffer.from(a), 70_000)).toBe(70_000);
  });
});

describe("what is kept", () => {
  test("a body whose buffer the route releases afterwards (release-body.ts) still gives its turns to the next one", () => {
    // The server detaches each request's buffer once the route is done: a view of it kept here would read zero bytes.
    const next = agentRequestBodies("cline", 200_000);
    let resent = 0;
    for (let turn = 0; turn < 6; turn++) {
      const text = next();
      const bytes = encoder.encode(text);
      const kept: KeptText = { door: "openai" };
      const body = parseJsonBody(bytes, kept);
      expect(body).toEqual(JSON.parse(text));
      const request = parseOpenAIChatRequest(body).data as Record<string, unknown>;
      keepTurns("openai", bytes, kept, body, request, turnTexts(kept));
      if (kept.resent) resent++;
      releaseBody(bytes.buffer);
    }
    expect(resent).toBe(5);
  });

  test("an output holding an object of a kept turn forgets every kept body", () => {
    const text = agentRequestBodies("cline", 200_000)();
    const bytes = encoder.encode(text);
    const kept: KeptText = { door: "openai" };
    const body = parseJsonBody(bytes, kept) as { messages: Array<Record<string, unknown>> };
    const request = parseOpenAIChatRequest(body).data as Record<string, unknown>;
    keepTurns("openai", bytes, kept, body, request, turnTexts(kept));
    expect(keptTurnsSize().bodies).toBe(1);
    // A door whose output passed a parsed turn through as it is: the pipeline could change it.
    const leaking: KeptText = { door: "openai" };
    const second = parseJsonBody(bytes, leaking) as { messages: Array<Record<string, unknown>> };
    keepTurns("openai", bytes, leaking, second, { ...request, messages: [second.messages[0], ...(request.messages as unknown[]).slice(1)] }, turnTexts(leaking));
    expect(keptTurnsSize().bodies).toBe(0);
  });

  test("memory stays bounded: a few bodies, a bounded size", () => {
    const sessions = Array.from({ length: 6 }, (_, index) => agentRequestBodies(index % 2 ? "cline" : "claude-code", 300_000));
    for (let turn = 0; turn < 24; turn++) {
      throughDoor(sessions[turn % sessions.length]!());
      const { bodies, cost } = keptTurnsSize();
      expect(bodies).toBeLessThanOrEqual(MAX_KEPT_BODIES);
      expect(cost).toBeLessThanOrEqual(MAX_KEPT_CHARACTERS);
    }
    // One long session: the body and about its size in texts (the new turns' own, not each rest's whole text).
    forgetTurns();
    const next = agentRequestBodies("claude-code", 200_000);
    // One session of ~17 turns.
    for (let turn = 0; turn < 14; turn++) {
      const text = next();
      expect(throughDoor(text).kept.resent !== undefined).toBe(turn > 0);
      expect(keptTurnsSize().bodies).toBe(1);
      expect(keptTurnsSize().cost).toBeLessThanOrEqual(2.5 * text.length);
    }
  }, 60_000);
});
