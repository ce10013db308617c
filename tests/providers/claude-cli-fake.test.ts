import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { TOOLS_UNAVAILABLE_NOTICE, createClaudeCliProvider } from "../../src/providers/claude-cli/claude-cli-provider";
import type { LLMProvider, ProviderCall } from "../../src/providers/types";
import { processState, waitUntilDead } from "../helpers/process-state";

/** The provider against tests/helpers/fake-claude-cli.ts: flags, stdin, failures, timeouts, aborts and process hygiene. */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
const recordDirectory = mkdtempSync(join(tmpdir(), "fake-claude-records-"));
const logLines: string[] = [];
const logger = createLogger("debug", (line) => logLines.push(line));
const models = [{ id: "claude-sonnet-4-5" }, { id: "claude-haiku-4-5" }];
const providers: LLMProvider[] = [];

function makeProvider(options: { poolSize?: number; idleTimeoutMs?: number } = {}): LLMProvider {
  const provider = createClaudeCliProvider({
    path: fakeCli,
    models,
    poolSize: options.poolSize ?? 0,
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
    logger,
    env: { PATH: process.env.PATH, FAKE_CLAUDE_RECORD_DIR: recordDirectory },
  });
  providers.push(provider);
  return provider;
}

const provider = makeProvider();

function call(body: Record<string, unknown>, signal: AbortSignal = new AbortController().signal): ProviderCall {
  const request = chatRequestSchema.parse({ model: "claude-cli:claude-sonnet-4-5", ...body });
  return { request, model: "claude-sonnet-4-5", signal };
}
const ask = (prompt: string) => ({ messages: [{ role: "user", content: prompt }] });

interface RunRecord {
  pid: number;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  systemPrompt?: string;
  promptBytes: number;
  promptSha256: string;
  promptHead: string;
  mode: string;
  grandchildPid?: number;
}

/** The fake CLI's run records; one it is still writing (not yet valid JSON) is read on the next poll. */
const records = (): RunRecord[] =>
  readdirSync(recordDirectory).flatMap((name) => {
    try {
      return [JSON.parse(readFileSync(join(recordDirectory, name), "utf8")) as RunRecord];
    } catch {
      return [];
    }
  });

async function waitForRecord(predicate: (record: RunRecord) => boolean): Promise<RunRecord> {
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline) {
    const found = records().find(predicate);
    if (found) return found;
    await Bun.sleep(10);
  }
  throw new Error("the fake CLI never wrote the expected record");
}

const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
const rejection = async (promise: Promise<unknown>): Promise<ProxyError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProxyError)) throw new Error(`expected a ProxyError, got ${String(error)}`);
  return error;
};

beforeEach(() => {
  rmSync(recordDirectory, { recursive: true, force: true });
  mkdirSync(recordDirectory);
  logLines.length = 0;
});

afterAll(async () => {
  await Promise.all(providers.map((each) => each.close?.()));
  rmSync(recordDirectory, { recursive: true, force: true });
});

describe("a normal run", () => {
  test("streams the answer; flags, system prompt and cwd are as designed; the prompt goes through stdin", async () => {
    const stream = await provider.stream(
      call({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: "Answer in English." },
          { role: "user", content: "Hello CLI" },
        ],
      }),
    );
    const chunks = await Array.fromAsync(stream);
    expect(content(chunks)).toStartWith("echo bytes=9 ");
    expect(content(chunks)).toEndWith("head=Hello CLI");
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 } });

    const [run] = records();
    expect(run!.systemPrompt).toBe("Be brief.\n\nAnswer in English.");
    expect(run!.argv).toEqual(expect.arrayContaining(["-p", "--output-format", "stream-json", "--verbose", "--include-partial-messages", "--no-session-persistence", "--strict-mcp-config", "--disable-slash-commands"]));
    expect(run!.argv.slice(run!.argv.indexOf("--tools"), run!.argv.indexOf("--tools") + 2)).toEqual(["--tools", ""]);
    expect(run!.argv.slice(run!.argv.indexOf("--setting-sources"), run!.argv.indexOf("--setting-sources") + 2)).toEqual(["--setting-sources", ""]);
    expect(run!.argv.slice(run!.argv.indexOf("--max-turns"), run!.argv.indexOf("--max-turns") + 2)).toEqual(["--max-turns", "1"]);
    expect(run!.argv.slice(run!.argv.indexOf("--model"), run!.argv.indexOf("--model") + 2)).toEqual(["--model", "claude-sonnet-4-5"]);
    expect(run!.argv.join(" ")).not.toContain("Hello CLI");
    expect(run!.argv.join(" ")).not.toContain("Be brief");
    // A private, empty working directory: the proxy's project files never reach the CLI.
    expect(run!.cwd).not.toBe(process.cwd());
    expect(run!.cwd).toContain("claude-proxy-cli-");
    expect(run!.env.DISABLE_AUTOUPDATER).toBe("1");
    expect(await waitUntilDead(run!.pid)).toBe("gone");
  });

  test("a prompt over 200 KB arrives intact on stdin", async () => {
    const prompt = `${"The quick brown fox — ünïcødé ✓ ".repeat(8000)}END`;
    const expectedBytes = Buffer.byteLength(prompt);
    expect(expectedBytes).toBeGreaterThan(200 * 1024);
    const expectedHash = new Bun.CryptoHasher("sha256").update(prompt).digest("hex");
    const chunks = await Array.fromAsync(await provider.stream(call(ask(prompt))));
    expect(content(chunks)).toContain(`bytes=${expectedBytes} sha256=${expectedHash}`);
  });

  test("complete() collects the stream into one completion", async () => {
    const completion = await provider.complete(call(ask("Hi")));
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("claude-sonnet-4-5");
    expect(completion.choices[0]!.message.content).toStartWith("echo bytes=2 ");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 17, completion_tokens: 7, total_tokens: 24 });
  });

  test("a prompt starting with '/' is not run as a slash command", async () => {
    await Array.fromAsync(await provider.stream(call(ask("/compact everything"))));
    expect(records()[0]!.promptHead).toBe(" /compact everything");
  });

  test("tools in the request: answered anyway, with a notice first and a warning logged", async () => {
    const tools = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];
    const chunks = await Array.fromAsync(await provider.stream(call({ ...ask("Read it"), tools })));
    expect(content(chunks)).toStartWith(`${TOOLS_UNAVAILABLE_NOTICE}echo `);
    expect(logLines.some((line) => line.includes('"level":"warn"') && line.includes("cannot call"))).toBe(true);
  });

  test("images are refused with a 400 and no process is started", async () => {
    const image = { messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }] };
    const error = await rejection(provider.stream(call(image)));
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", code: "unsupported_content", param: "messages[0].content" });
    expect(error.message).toContain("image_url");
    expect(records()).toHaveLength(0);
  });
});

describe("failures before the first token reject, so the router can fall back", () => {
  test("a crash: 502 with the exit code and the redacted stderr tail", async () => {
    const error = await rejection(provider.stream(call(ask("[[fake:crash]]"))));
    expect(error).toMatchObject({ status: 502, type: "upstream_error", code: "claude_cli_exit", retryable: true });
    expect(error.message).toContain("exited with code 2");
    expect(error.message).toContain("fatal: the fake CLI crashed");
    expect(error.message).not.toContain("fakesecretvalue0001");
  });

  test("garbage on stdout: 502 naming the line, and the CLI is killed", async () => {
    const error = await rejection(provider.stream(call(ask("[[fake:garbage]]"))));
    expect(error).toMatchObject({ status: 502, code: "malformed_upstream_event" });
    expect(error.message).toContain("this is not json at all");
    expect(await waitUntilDead(records()[0]!.pid)).toBe("gone");
  });

  test("an error result: 502 with the CLI's message and its stderr", async () => {
    const error = await rejection(provider.stream(call(ask("[[fake:error-result]]"))));
    expect(error).toMatchObject({ status: 502, code: "claude_cli_error" });
    expect(error.message).toContain("upstream status 401");
    expect(error.message).toContain("API Error: 401 invalid x-api-key");
    expect(error.message).toContain("CLI stderr: auth failed");
  });

  test("a missing binary: 502, not a crash of the proxy", async () => {
    const missing = createClaudeCliProvider({ path: "/nonexistent/claude", models, poolSize: 0, idleTimeoutMs: 1000, logger });
    providers.push(missing);
    const error = await rejection(missing.stream(call(ask("Hi"))));
    expect(error).toMatchObject({ status: 502, code: "claude_cli_spawn_failed" });
  });
});

describe("timeouts and aborts kill the CLI and everything it started", () => {
  test("the dispatcher's timeout (signal aborted with a ProxyError) rejects with that error", async () => {
    const controller = new AbortController();
    const pending = provider.stream(call(ask("[[fake:hang]]"), controller.signal));
    const run = await waitForRecord((record) => record.grandchildPid !== undefined);
    const timeout = new ProxyError(504, "Claude CLI did not respond within 300 ms.", { type: "timeout_error", code: "upstream_timeout", retryable: true });
    controller.abort(timeout);
    expect(await rejection(pending)).toBe(timeout);
    expect(await waitUntilDead(run.pid)).toBe("gone");
    expect(await waitUntilDead(run.grandchildPid!, { allowZombie: true })).not.toBe("running");
  });

  test("a client abort after the first token kills the CLI and its grandchild", async () => {
    const controller = new AbortController();
    const stream = await provider.stream(call(ask("[[fake:hang-midway]]"), controller.signal));
    const reader = stream.getReader();
    expect((await reader.read()).value!.choices[0]!.delta.role).toBe("assistant");
    const run = await waitForRecord((record) => record.grandchildPid !== undefined);
    expect(processState(run.pid)).toBe("running");
    expect(processState(run.grandchildPid!)).toBe("running");
    controller.abort();
    expect(await waitUntilDead(run.pid)).toBe("gone");
    expect(await waitUntilDead(run.grandchildPid!, { allowZombie: true })).not.toBe("running");
  });

  test("cancelling the stream (the client went away) kills the CLI", async () => {
    const stream = await provider.stream(call(ask("[[fake:slow]]")));
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    const run = records()[0]!;
    await reader.cancel();
    expect(await waitUntilDead(run.pid)).toBe("gone");
  });

  test("a CLI that goes silent after its first token is stopped by the idle timeout, with an error chunk", async () => {
    const impatient = makeProvider({ idleTimeoutMs: 300 });
    const started = performance.now();
    const chunks = await Array.fromAsync(await impatient.stream(call(ask("[[fake:hang-midway]]"))));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(content(chunks)).toBe("Thinking about it");
    expect(chunks.at(-1)!.error).toMatchObject({ type: "timeout_error", code: "upstream_timeout" });
    expect(chunks.at(-1)!.error!.message).toContain("sent nothing for 300 ms");
    const run = records()[0]!;
    expect(await waitUntilDead(run.pid)).toBe("gone");
    expect(await waitUntilDead(run.grandchildPid!, { allowZombie: true })).not.toBe("running");
  });

  test("a crash after the first token ends the stream with an error chunk carrying stderr", async () => {
    const chunks = await Array.fromAsync(await provider.stream(call(ask("[[fake:crash-midway]]"))));
    expect(content(chunks)).toBe("Half an ");
    expect(chunks.at(-1)!.error).toMatchObject({ type: "upstream_error", code: "claude_cli_exit" });
    expect(chunks.at(-1)!.error!.message).toContain("exited with code 3");
    expect(chunks.at(-1)!.error!.message).toContain("panic: lost the thread");
  });

  test("close() kills runs still in progress", async () => {
    const closing = makeProvider();
    const stream = await closing.stream(call(ask("[[fake:hang-midway]]")));
    await stream.getReader().read();
    const run = await waitForRecord((record) => record.grandchildPid !== undefined);
    await closing.close!();
    expect(processState(run.pid)).toBe("gone");
    expect(await waitUntilDead(run.grandchildPid!, { allowZombie: true })).not.toBe("running");
    await expect(closing.stream(call(ask("Hi")))).rejects.toMatchObject({ status: 503 });
  });
});

describe("the pool of pre-started processes", () => {
  test("serves requests from warm processes, one process per request, and close() leaves none", async () => {
    const pooled = makeProvider({ poolSize: 2 });
    const first = await pooled.complete(call({ messages: [{ role: "system", content: "Pool system." }, { role: "user", content: "one" }] }));
    expect(first.choices[0]!.message.content).toEndWith("head=one");
    // The first request filled the pool for its model: two processes wait on stdin.
    await Bun.sleep(300);
    const waiting = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("fake-claude-cli.ts") && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--input-format");
        } catch {
          return false;
        }
      })
      .map(Number);
    expect(waiting.length).toBeGreaterThanOrEqual(2);

    const second = await pooled.complete(call({ messages: [{ role: "system", content: "Second system." }, { role: "user", content: "two" }] }));
    expect(second.choices[0]!.message.content).toEndWith("head=two");
    const runs = records();
    const secondRun = runs.find((record) => record.promptHead === "two")!;
    // Served by a process that was waiting before the request: the system prompt came in its initialize line.
    expect(waiting).toContain(secondRun.pid);
    expect(secondRun.systemPrompt).toBe("Second system.");
    expect(secondRun.argv).toContain("--input-format");
    expect(secondRun.argv).not.toContain("--system-prompt-file");
    expect(new Set(runs.map((record) => record.pid)).size).toBe(runs.length);

    await pooled.close!();
    for (const pid of waiting) expect(await waitUntilDead(pid)).toBe("gone");
  });

  test("a pooled run fails like a cold one (crash → rejection with stderr)", async () => {
    const pooled = makeProvider({ poolSize: 1 });
    const error = await rejection(pooled.stream(call(ask("[[fake:crash]]"))));
    expect(error.message).toContain("fatal: the fake CLI crashed");
    await pooled.close!();
  });
});
