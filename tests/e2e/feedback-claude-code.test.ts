import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { listFeedbackForTask } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Rating an answer from inside Claude Code or Codex. Both have a /feedback command of their own
 * (it files a report with their vendor), so `/feedback good` never reached the proxy; `/rate` is
 * passed on as the user's text. And Claude Code's user turn is not the plain text: the typed line
 * is the last text block, after <system-reminder> blocks, and a {"role": "system"} turn follows
 * it, so the proxy never saw the command even when it arrived. The shapes below are the ones the
 * real CLI (2.1.332) sends.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-feedback-claude-code-000", OPENAI_BASE_URL: upstream.url });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const REMINDER = { type: "text" as const, text: "<system-reminder>\nThe user opened the file src/app.ts in the IDE.\n</system-reminder>\n" };
const SYSTEM_TURN = { role: "system", content: [{ type: "text", text: "# Environment\nPrimary working directory: /work" }] } as unknown as Anthropic.MessageParam;

function claudeCodeTurns(typed: string[]): Anthropic.MessageParam[] {
  const turns: Anthropic.MessageParam[] = [];
  typed.forEach((text, index) => {
    if (index > 0) turns.push({ role: "assistant", content: [{ type: "text", text: `Answer ${index}.` }] });
    turns.push({ role: "user", content: [REMINDER, { type: "text", text }] });
  });
  return [...turns, SYSTEM_TURN];
}

describe("rating from inside Claude Code", () => {
  test("/rate in Claude Code's turn shape rates the previous answer of the session, no model called", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0, defaultHeaders: { "X-Claude-Code-Session-Id": "cc-session-rate-1" } });
    const first = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, messages: claudeCodeTurns(["Fix the failing test in src/app.test.ts"]) }).withResponse();
    const taskId = first.response.headers.get("x-task-id")!;
    const calls = upstream.requests.length;

    const stream = anthropic.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: claudeCodeTurns(["Fix the failing test in src/app.test.ts", "/rate bad it edited the wrong file"]) });
    const reply = await stream.finalMessage();
    expect(upstream.requests.length).toBe(calls);
    const text = reply.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    expect(text).toContain(`recorded bad (-1) with the comment "it edited the wrong file"`);
    expect(text).toContain(taskId);
    await proxy.proxy.logWriter.flush();
    const { db } = await sharedTestDatabase();
    expect((await listFeedbackForTask(db, taskId)).map((row) => row.rating)).toEqual([-1]);
  });

  test("/feedback is still understood, for clients that pass it on", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0, defaultHeaders: { "x-session-id": "plain-session-rate-2" } });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Write a haiku" }] });
    const reply = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Write a haiku" }, { role: "assistant", content: "An old pond" }, { role: "user", content: "/feedback good" }] }).withResponse();
    expect(reply.response.headers.get("x-model")).toBe("feedback");
    expect(reply.data.choices[0]!.message.content).toContain("recorded good (+1)");
  });

  test("a tool result as the latest turn is not mistaken for a command typed earlier", async () => {
    const anthropic = new Anthropic({ apiKey: "x", baseURL: proxy.origin, maxRetries: 0, defaultHeaders: { "X-Claude-Code-Session-Id": "cc-session-rate-3" } });
    const calls = upstream.requests.length;
    await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [{ name: "Bash", input_schema: { type: "object", properties: { command: { type: "string" } } } }],
      messages: [
        { role: "user", content: [REMINDER, { type: "text", text: "/rate good" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.txt" }] },
        SYSTEM_TURN,
      ],
    });
    expect(upstream.requests.length).toBe(calls + 1);
  });

  test("text that merely starts like /rate is an ordinary request", async () => {
    const client = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0 });
    for (const content of ["/rated-limits: explain the API's rate limits", "/rate limits are too low in config.ts, raise them"]) {
      const calls = upstream.requests.length;
      const reply = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }).withResponse();
      expect(reply.response.headers.get("x-model")).not.toBe("feedback");
      expect(upstream.requests.length).toBe(calls + 1);
    }
  });
});
