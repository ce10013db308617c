import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CodexSandbox, createCodexSandbox, realCodexCli } from "../helpers/codex-sandbox";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The real `codex` binary (codex exec, @openai/codex) with the proxy as its model provider and the
 * proxy routed to the mock Anthropic API (a non-OpenAI upstream). The scripted model runs one
 * shell command through Codex's exec_command tool, then answers: the whole agent turn must
 * complete, the command's output must reach Anthropic as a tool_result in the second request, and
 * the request log must hold both requests as the Responses door's.
 */
const anthropicKey = "sk-ant-codex-e2e-key";
const FILE_TEXT = "hello from file.txt, read by codex";
const ANSWER = "The file says hello; codex read it through the proxy.";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let sandbox: CodexSandbox;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: anthropicKey });
  // Short heartbeats: the slow first reply below has SSE comments between its events.
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: upstream.url, STREAM_HEARTBEAT_MS: "100" });
  sandbox = createCodexSandbox(proxy.url);
  writeFileSync(join(sandbox.workdir, "file.txt"), `${FILE_TEXT}\n`);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  sandbox.cleanup();
});

type CodexEvent = { type: string; item?: Record<string, unknown>; usage?: Record<string, number> };

async function codexExec(prompt: string): Promise<{ exitCode: number; events: CodexEvent[]; stderr: string }> {
  const child = Bun.spawn(
    [realCodexCli, "exec", "--skip-git-repo-check", "--json", "--ephemeral", "--sandbox", "danger-full-access", "-C", sandbox.workdir, prompt],
    { env: sandbox.env, cwd: sandbox.workdir, stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => child.kill(), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  const events = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as CodexEvent);
  return { exitCode, events, stderr };
}

test("codex exec runs a shell command through the proxy (Anthropic upstream) and finishes its turn", async () => {
  upstream.enqueue(
    {
      kind: "reply",
      intervalMs: 120,
      reply: { content: [{ type: "text", text: "I'll read the file." }, { type: "tool_use", id: "toolu_01CodexCat", name: "exec_command", input: { cmd: "cat file.txt" } }] },
    },
    { kind: "reply", reply: { content: [{ type: "text", text: ANSWER }] } },
  );
  const run = await codexExec("Read file.txt and tell me what it says.");
  expect({ exitCode: run.exitCode, stderr: run.exitCode === 0 ? "" : run.stderr }).toEqual({ exitCode: 0, stderr: "" });

  const command = run.events.find((event) => event.type === "item.completed" && event.item?.type === "command_execution");
  expect(command?.item).toMatchObject({ status: "completed", exit_code: 0 });
  expect(String(command!.item!.command)).toContain("cat file.txt");
  expect(String(command!.item!.aggregated_output)).toContain(FILE_TEXT);
  const messages = run.events.filter((event) => event.type === "item.completed" && event.item?.type === "agent_message").map((event) => event.item!.text);
  expect(messages).toEqual(["I'll read the file.", ANSWER]);
  expect(run.events.at(-1)).toMatchObject({ type: "turn.completed", usage: { input_tokens: 50, output_tokens: 24 } });

  // Anthropic got Codex's tools, then the command's output as the tool_result of its tool_use.
  const sent = upstream.requests.filter((request) => request.path === "/v1/messages").map((request) => request.body as { stream?: boolean; tools: Array<{ name: string }>; messages: Array<{ role: string; content: unknown }> });
  expect(sent).toHaveLength(2);
  expect(sent.every((body) => body.stream === true)).toBe(true);
  expect(sent[0]!.tools.map((tool) => tool.name)).toContain("exec_command");
  expect(sent[0]!.tools.map((tool) => tool.name)).not.toContain("web_search");
  const assistant = sent[1]!.messages.at(-2)!;
  expect(assistant.content).toContainEqual({ type: "tool_use", id: "toolu_01CodexCat", name: "exec_command", input: { cmd: "cat file.txt" } });
  const result = (sent[1]!.messages.at(-1)!.content as Array<Record<string, unknown>>).find((block) => block.type === "tool_result")!;
  expect(result.tool_use_id).toBe("toolu_01CodexCat");
  expect(JSON.stringify(result.content)).toContain(FILE_TEXT);
  expect(upstream.pending()).toBe(0);

  // Both requests are in the log, once each, as the Responses door's, streamed, from codex.
  const rows = proxy.records.all().filter((row) => row.door === "responses");
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    expect(row).toMatchObject({ status: 200, stream: true, provider: "anthropic", requestedModel: "auto" });
    expect(row.userAgent).toStartWith("codex_exec/");
    expect(proxy.records.count(row.taskId)).toBe(1);
    expect(await proxy.logRow(row.taskId)).toMatchObject({ door: "responses", status: 200 });
  }
}, 90_000);

test("an upstream failure mid-stream ends codex's turn with the upstream's message (response.failed), not a silent retry", async () => {
  upstream.enqueue({
    kind: "reply",
    reply: { content: [{ type: "text", text: "Starting to answer and then" }] },
    midStreamError: { afterEvents: 4, type: "overloaded_error", message: "Overloaded (scripted mid-stream)" },
  });
  const before = upstream.requests.length;
  const run = await codexExec("Say something.");
  expect(run.exitCode).not.toBe(0);
  expect(JSON.stringify(run.events) + run.stderr).toContain("Overloaded (scripted mid-stream)");
  // stream_max_retries = 0: one request, and the failure is logged once as a 502 of the Responses door.
  expect(upstream.requests.length - before).toBe(1);
  const failed = proxy.records.all().filter((row) => row.door === "responses" && row.status !== 200);
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ status: 502, stream: true });
}, 90_000);
