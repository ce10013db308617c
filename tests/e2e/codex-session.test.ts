import { afterAll, beforeAll, expect, test } from "bun:test";
import { listFeedbackForTask } from "../../src/db/queries";
import { type CodexSandbox, createCodexSandbox, realCodexCli } from "../helpers/codex-sandbox";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Which Codex session a request belongs to. Codex 0.171.0 names its session in a `session-id`
 * header (hyphen; older releases sent `session_id`). Without it the proxy falls back to the
 * conversation's opening, and every Codex session in the same folder opens alike (the
 * environment context, not the typed prompt, is the first user message), so `/rate` in one
 * session rated whichever session answered last.
 */
const anthropicKey = "sk-ant-codex-session-key";
let upstream: MockAnthropicUpstream;
let proxy: TestProxy;
let sandbox: CodexSandbox;

beforeAll(async () => {
  upstream = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: upstream.url });
  sandbox = createCodexSandbox(proxy.url);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
  sandbox.cleanup();
});

/** Runs `codex exec` (args after `exec`), returns the thread id it printed and the task id of the request it made. */
async function codexExec(...args: string[]): Promise<{ threadId: string; taskId: string }> {
  const before = proxy.records.all().length;
  const child = Bun.spawn([realCodexCli, "exec", ...args], { env: sandbox.env, cwd: sandbox.workdir, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => child.kill(), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(timer);
  expect({ exitCode, stderr: exitCode === 0 ? "" : stderr }).toEqual({ exitCode: 0, stderr: "" });
  const started = stdout.split("\n").find((line) => line.includes('"thread.started"'));
  const rows = proxy.records.all().slice(before);
  expect(rows).toHaveLength(1);
  return { threadId: (JSON.parse(started ?? "{}") as { thread_id?: string }).thread_id ?? "", taskId: rows[0]!.taskId };
}

const exec = (prompt: string) => codexExec("--skip-git-repo-check", "--json", "-C", sandbox.workdir, prompt);

test("each codex session is its own conversation: /rate in session A rates A's answer after session B answered", async () => {
  const a = await exec("Explain closures in one line.");
  const b = await exec("Explain generators in one line.");
  expect(a.threadId).not.toBe(b.threadId);
  const rowA = await proxy.logRow(a.taskId);
  const rowB = await proxy.logRow(b.taskId);
  expect(rowA?.sessionKey).toBe(`header:${a.threadId}`);
  expect(rowB?.sessionKey).toBe(`header:${b.threadId}`);

  const calls = upstream.requests.length;
  await codexExec("resume", "--skip-git-repo-check", "--json", a.threadId, "/rate bad wrong language");
  expect(upstream.requests.length).toBe(calls);
  await proxy.proxy.logWriter.flush();
  const { db } = await sharedTestDatabase();
  expect((await listFeedbackForTask(db, a.taskId)).map((row) => row.rating)).toEqual([-1]);
  expect(await listFeedbackForTask(db, b.taskId)).toEqual([]);
}, 120_000);
