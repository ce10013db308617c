import { beforeEach, describe, expect, test } from "bun:test";
import { agentRequestBodies } from "../../../bench/agent-requests";
import { claudeCodeMessagesBodies } from "../../../bench/claude-code-messages";
import { parseMessagesRequest } from "../../../src/doors/anthropic/messages-schema";
import { toChatRequest } from "../../../src/doors/anthropic/to-chat-request";
import { parseOpenAIChatRequest } from "../../../src/doors/openai/openai-request-schema";
import { type KeptText, parseJsonBody } from "../../../src/doors/parse-json-body";
import { rememberClientElements } from "../../../src/doors/remember-client-json";
import { MAX_KEPT_BODIES, MAX_KEPT_CHARACTERS, forgetTurns, keepTurns, keptTurnsSize, turnTexts } from "../../../src/doors/resent-turns";
import { silentLogger } from "../../../src/logger";

/**
 * The Anthropic door's steps as its route runs them (parse, schema, translation onto the internal
 * request, the turns kept once the request is walked: json-body.ts "turns-after") on Claude Code's
 * successive Messages requests: each body must give what it gives parsed whole, the same value and
 * the same internal request, and the turns must be taken only up to the first changed byte.
 */
const encoder = new TextEncoder();

interface DoorResult {
  body: unknown;
  request: unknown;
  kept: KeptText;
}

function translate(body: unknown): unknown {
  const result = parseMessagesRequest(body);
  if (!result.success) throw new Error("refused by the schema");
  return toChatRequest(result.data, { model: "claude-sonnet-5-5", betas: [], logger: silentLogger });
}

function throughDoor(text: string): DoorResult {
  const bytes = encoder.encode(text);
  const kept: KeptText = { door: "anthropic" };
  const body = parseJsonBody(bytes, kept);
  const request = translate(body);
  keepTurns("anthropic", bytes, kept, body, request, turnTexts(kept));
  return { body, request, kept };
}

/** The body through the door, and against the same body parsed whole. */
function expectAsWhole(text: string): DoorResult {
  const result = throughDoor(text);
  const whole = JSON.parse(text) as unknown;
  expect(result.body).toEqual(whole);
  expect(result.request).toEqual(translate(whole));
  return result;
}

type Body = { messages: Array<{ role: string; content: Array<Record<string, unknown>> }>; system: Array<{ text: string }> };

beforeEach(() => forgetTurns());

describe("Claude Code's successive turns", () => {
  for (const size of [100_000, 400_000]) {
    test(`~${size / 1000} KB: the value and the request of the whole body; all turns but the one whose mark moved resent`, () => {
      const next = claudeCodeMessagesBodies(size);
      let resent = 0;
      let previousTurns = 0;
      for (let turn = 0; turn < 12; turn++) {
        const text = next();
        const { kept, body } = expectAsWhole(text);
        const turns = (body as Body).messages.length;
        if (kept.resent) {
          resent++;
          // The last turn of the body before lost its cache mark: every turn before it.
          expect(kept.resent.count).toBe(previousTurns - 1);
        }
        previousTurns = turns;
        expect(keptTurnsSize().bodies).toBeLessThanOrEqual(MAX_KEPT_BODIES);
        expect(keptTurnsSize().cost).toBeLessThanOrEqual(MAX_KEPT_CHARACTERS);
      }
      expect(resent).toBeGreaterThan(8);
    }, 60_000);
  }

  test("non-ASCII in every turn", () => {
    const next = claudeCodeMessagesBodies(200_000, { nonAscii: true });
    expectAsWhole(next());
    for (let turn = 0; turn < 4; turn++) expect(expectAsWhole(next()).kept.resent).toBeDefined();
  });

  test("two sessions interleaved, each resent from its own kept body", () => {
    const sessions = [claudeCodeMessagesBodies(200_000), claudeCodeMessagesBodies(150_000, { nonAscii: true })];
    const counts: number[] = [];
    for (let turn = 0; turn < 10; turn++) counts.push(expectAsWhole(sessions[turn % 2]!()).kept.resent?.count ?? 0);
    expect(counts.slice(2).every((count) => count > 20)).toBe(true);
    expect(keptTurnsSize().bodies).toBe(2);
  });
});

describe("beside the chat door", () => {
  /** A chat-door body through its steps as json-body.ts runs them ("client-json"). */
  function throughChatDoor(text: string): void {
    const bytes = encoder.encode(text);
    const kept: KeptText = { door: "openai" };
    const body = parseJsonBody(bytes, kept);
    const result = parseOpenAIChatRequest(body);
    if (!result.success) throw new Error("refused by the chat schema");
    const turns = turnTexts(kept);
    rememberClientElements(kept, body, result.data, turns);
    keepTurns("openai", bytes, kept, body, result.data, turns);
  }

  test("a busy chat client's bodies do not push out a Claude Code session's kept body", () => {
    const claudeCode = claudeCodeMessagesBodies(200_000);
    expectAsWhole(claudeCode());
    // More chat sessions at once than the bodies kept in all: each one's first body is kept, the oldest pushed out.
    const chats = Array.from({ length: MAX_KEPT_BODIES + 2 }, () => agentRequestBodies("cline", 200_000));
    for (let turn = 0; turn < 2; turn++) for (const chat of chats) throughChatDoor(chat());
    expect(keptTurnsSize().bodies).toBeLessThanOrEqual(MAX_KEPT_BODIES);
    expect(keptTurnsSize().cost).toBeLessThanOrEqual(MAX_KEPT_CHARACTERS);
    expect(expectAsWhole(claudeCode()).kept.resent).toBeDefined();
  }, 60_000);

  test("alone, a door may keep as many bodies as both together; the other door then takes its half back", () => {
    const chats = Array.from({ length: MAX_KEPT_BODIES }, () => agentRequestBodies("cline", 100_000));
    for (const chat of chats) throughChatDoor(chat());
    expect(keptTurnsSize().bodies).toBe(MAX_KEPT_BODIES);
    const sessions = Array.from({ length: MAX_KEPT_BODIES / 2 }, () => claudeCodeMessagesBodies(100_000));
    for (const session of sessions) expectAsWhole(session());
    expect(keptTurnsSize().bodies).toBe(MAX_KEPT_BODIES);
    // Both Claude Code sessions kept, and the newest chat sessions: each resends from its own kept body.
    for (const session of sessions) expect(expectAsWhole(session()).kept.resent).toBeDefined();
  }, 60_000);
});

describe("what is kept", () => {
  test("a large last tool result, which the next body resends without its moved mark: the next body still replaces its kept one", () => {
    const body = JSON.parse(claudeCodeMessagesBodies(200_000)()) as Body;
    const unmarked = (value: Body) => {
      for (const turn of value.messages) for (const block of turn.content) delete block.cache_control;
    };
    const read = (id: string, text: string) => {
      unmarked(body);
      body.messages.push(
        { role: "assistant", content: [{ type: "thinking", thinking: "Reading.", signature: "c2lnbmVk" }, { type: "tool_use", id, name: "Read", input: { file_path: `/src/${id}.ts` } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: text, cache_control: { type: "ephemeral" } }] },
      );
      return JSON.stringify(body);
    };
    expectAsWhole(read("toolu_big", "x".repeat(60_000)));
    expect(keptTurnsSize().bodies).toBe(1);
    const next = expectAsWhole(read("toolu_small", "y".repeat(2_000)));
    expect(next.kept.resent?.count).toBe(body.messages.length - 3);
    expect(keptTurnsSize().bodies).toBe(1);
  });
});

describe("turns are taken only up to the first changed byte", () => {
  function changedTurn(change: (body: Body) => void): DoorResult {
    const next = claudeCodeMessagesBodies(200_000);
    throughDoor(next());
    const value = JSON.parse(next()) as Body;
    change(value);
    return expectAsWhole(JSON.stringify(value));
  }

  test("one changed byte in an early tool result: only the turns before it", () => {
    const result = changedTurn((body) => {
      const block = body.messages[2]!.content[0]!;
      const content = String(block.content);
      block.content = `${content.slice(0, 30)}X${content.slice(31)}`;
    });
    expect(result.kept.resent?.count ?? 0).toBeLessThanOrEqual(2);
  });

  test("a changed system prompt (after the turns, in Claude Code's order): the turns resent, the new prompt read", () => {
    const result = changedTurn((body) => {
      body.system[1]!.text += " Changed.";
    });
    expect(result.kept.resent).toBeDefined();
    const system = (result.request as { messages: Array<{ role: string; content: Array<{ text: string }> }> }).messages[0]!;
    expect(system.content[1]!.text).toEndWith(" Changed.");
  });

  test("a system prompt before the turns, changed: nothing resent", () => {
    const next = claudeCodeMessagesBodies(200_000);
    const systemFirst = (text: string, suffix: string) => {
      const { system, ...rest } = JSON.parse(text) as Body;
      system[1]!.text += suffix;
      return JSON.stringify({ system, ...rest });
    };
    throughDoor(systemFirst(next(), ""));
    expect(expectAsWhole(systemFirst(next(), " Changed.")).kept.resent).toBeUndefined();
  });

  test("a cache mark moved onto an early tool result: the turns before it, the mark in the request", () => {
    const result = changedTurn((body) => {
      body.messages[4]!.content[0]!.cache_control = { type: "ephemeral", ttl: "1h" };
    });
    expect(result.kept.resent?.count).toBe(4);
    const marked = (result.request as { messages: Array<{ cache_control?: unknown }> }).messages.filter((message) => message.cache_control);
    expect(marked).toContainEqual(expect.objectContaining({ cache_control: { type: "ephemeral", ttl: "1h" } }));
  });
});

describe("nothing after the door holds a kept turn", () => {
  test("a server tool's result and cited text, resent: the request holds copies, the kept bodies stay", () => {
    const next = claudeCodeMessagesBodies(200_000);
    const withServerBlocks = (text: string) => {
      const body = JSON.parse(text) as Body;
      body.messages[1]!.content.push(
        { type: "server_tool_use", id: "srvtoolu_01", name: "web_search", input: { query: "bun" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_01", content: [{ type: "web_search_result", url: "https://bun.sh", title: "Bun", encrypted_content: "EqgfCio", page_age: null }] },
        { type: "text", text: "Bun is fast.", citations: [{ type: "web_search_result_location", url: "https://bun.sh", title: "Bun", encrypted_index: "Eo8B", cited_text: "fast" }] },
      );
      return JSON.stringify(body);
    };
    throughDoor(withServerBlocks(next()));
    for (let turn = 0; turn < 3; turn++) {
      const result = expectAsWhole(withServerBlocks(next()));
      expect(result.kept.resent).toBeDefined();
      expect(keptTurnsSize().bodies).toBe(1);
    }
  });
});
