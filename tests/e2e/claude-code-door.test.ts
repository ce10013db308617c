import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClaudeCliSandbox, createClaudeCliSandbox, realClaudeCli } from "../helpers/claude-cli-sandbox";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { openAIStreamLines } from "../helpers/openai-scripted-stream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The real Claude Code (`claude` 2.1.332, the dev dependency) as a client of the Anthropic door:
 * ANTHROPIC_BASE_URL points at the proxy, the proxy routes to the mock OpenAI upstream (no
 * Anthropic provider, so Claude model names are tier hints), and the upstream is scripted to call
 * Read on a file in a temporary directory and then to answer. The whole agent turn completes: the
 * CLI runs the tool, sends its result back in a second request that reaches the upstream in
 * OpenAI's format, prints the answer, and the request log has both requests under the door.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let sandbox: ClaudeCliSandbox;
let workDir: string;

const SECRET = "The secret word is marmalade.";
const ANSWER = "notes.txt says the secret word is marmalade.";

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-claude-code-door-0000", OPENAI_BASE_URL: upstream.url });
  sandbox = createClaudeCliSandbox(proxy.origin);
  workDir = mkdtempSync(join(tmpdir(), "claude-code-door-"));
  writeFileSync(join(workDir, "notes.txt"), `${SECRET}\n`);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  sandbox.cleanup();
  rmSync(workDir, { recursive: true, force: true });
});

test(
  "claude -p completes a streamed turn with a Read tool call through the proxy to an OpenAI upstream",
  async () => {
    const notes = join(workDir, "notes.txt");
    upstream.enqueue(
      { kind: "lines", lines: openAIStreamLines({ toolCall: { id: "call_readNotes01", name: "Read", arguments: { file_path: notes } } }) },
      { kind: "lines", lines: openAIStreamLines({ text: ANSWER }) },
    );
    const before = upstream.requests.length;
    const child = Bun.spawn([realClaudeCli, "-p", "What does notes.txt say?", "--output-format", "stream-json", "--verbose", "--allowedTools", "Read", "--no-session-persistence", "--model", "openai:gpt-4o-mini"], {
      cwd: workDir,
      env: { ...sandbox.env, ANTHROPIC_API_KEY: "any-key-the-proxy-ignores" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [output, errors] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    // A provider-prefixed model keeps the scripted chat-completions replies on gpt-4o-mini (the router
    // would send tool turns on `auto` to a Responses-API model); Claude Code only warns about the name.
    const otherErrors = errors.replace(/\[claude-code:unrecognized_model\][^\n]*\n/g, "");
    expect({ exitCode: await child.exited, errors: otherErrors }).toEqual({ exitCode: 0, errors: "" });

    // What the CLI reports: the tool call it ran, its result, the answer and a successful result line.
    const lines = output.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Record<string, unknown>);
    const contents = lines.filter((line) => line.type === "assistant" || line.type === "user").flatMap((line) => (line.message as { content: Array<Record<string, unknown>> }).content);
    expect(contents.find((block) => block.type === "tool_use")).toMatchObject({ id: "call_readNotes01", name: "Read", input: { file_path: notes } });
    expect(String(contents.find((block) => block.type === "tool_result")?.content)).toContain(SECRET);
    expect(lines.at(-1)).toMatchObject({ type: "result", subtype: "success", is_error: false, result: ANSWER });

    // Both model calls reached the upstream in OpenAI's format; the second carries the tool's result.
    const sent = upstream.requests.slice(before).map((request) => request.body);
    expect(sent).toHaveLength(2);
    expect(sent.every((body) => body.stream === true && Array.isArray(body.tools))).toBe(true);
    expect((sent[0]!.tools as Array<{ function: { name: string } }>).map((tool) => tool.function.name)).toContain("Read");
    const messages = sent[1]!.messages as Array<Record<string, unknown>>;
    const call = messages.find((message) => message.role === "assistant")!;
    expect(call.tool_calls).toEqual([{ id: "call_readNotes01", type: "function", function: { name: "Read", arguments: JSON.stringify({ file_path: notes }) } }]);
    const result = messages.find((message) => message.role === "tool")!;
    expect(result.tool_call_id).toBe("call_readNotes01");
    expect(String(result.content)).toContain(SECRET);
    // Nothing only Anthropic reads went to OpenAI.
    for (const body of sent) expect(JSON.stringify(body)).not.toMatch(/"(anthropic|thinking|context_management|cache_control)"/);

    // The request log has the turn's two requests, under the door, with the model the CLI asked for.
    await proxy.proxy.logWriter.flush();
    const rows = proxy.records.all().filter((row) => row.door === "anthropic");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ provider: "openai", status: 200, stream: true, errorType: null });
      expect(row.requestedModel).toBe("openai:gpt-4o-mini");
      expect(row.userAgent).toContain("claude-cli/2.1.332");
      expect(await proxy.logRow(row.taskId)).toMatchObject({ taskId: row.taskId, door: "anthropic" });
    }
    expect(rows.map((row) => row.finishReason)).toEqual(["tool_calls", "stop"]);
  },
  60_000,
);
