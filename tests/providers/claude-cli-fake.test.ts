import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { ProxyError } from "../../src/errors";
import { createClaudeCliProvider } from "../../src/providers/claude-cli/claude-cli-provider";
import { ask, call, content, createFakeCliHarness, rejection } from "../helpers/fake-cli-harness";
import { processState, waitUntilDead } from "../helpers/process-state";

/** The provider against tests/helpers/fake-claude-cli.ts: flags, stdin, failures, timeouts, aborts and process hygiene. */
const harness = createFakeCliHarness();
const { logLines, logger, makeProvider, models, providers, records, waitForRecord } = harness;
const provider = makeProvider();

beforeEach(() => harness.reset());
afterAll(() => harness.close());

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
    expect(run!.argv.slice(run!.argv.indexOf("--input-format"), run!.argv.indexOf("--input-format") + 2)).toEqual(["--input-format", "stream-json"]);
    expect(run!.argv.slice(run!.argv.indexOf("--permission-prompts"), run!.argv.indexOf("--permission-prompts") + 2)).toEqual(["--permission-prompts", "none"]);
    expect(run!.argv).not.toContain("--mcp-config");
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
    expect(run!.env.ENABLE_TOOL_SEARCH).toBe("false");
    // Subscription billing (the default): the proxy's own Anthropic key would outrank the user's login.
    expect(run!.env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(run!.tools).toBeUndefined();
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

  test("with CLAUDE_CLI_BILLING=api the CLI keeps the proxy's Anthropic key", async () => {
    await makeProvider({ billing: "api" }).complete(call(ask("Hi")));
    expect(records()[0]!.env.ANTHROPIC_API_KEY).toBe("sk-ant-proxy-own-key");
  });

  test("images reach the CLI as image blocks", async () => {
    const image = { messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }] };
    await provider.complete(call(image));
    expect(records()[0]!.images).toEqual([{ type: "base64", media_type: "image/png", data: "AAAA" }]);
  });

  test("audio is refused with a 400 and no process is started", async () => {
    const audio = { messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] }] };
    const error = await rejection(provider.stream(call(audio)));
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", code: "unsupported_content", param: "messages[0].content[0]" });
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
    expect(error).toMatchObject({ status: 502, code: "claude_cli_error", retryable: true, providerWide: false, retryAt: undefined });
    expect(error.message).toContain("upstream status 400");
    expect(error.message).toContain("API Error: 400 prompt is too long");
    expect(error.message).toContain("CLI stderr: request refused");
  });

  test("a lost login: retryable elsewhere, but for every model of the CLI, and it says how to log in", async () => {
    const error = await rejection(provider.stream(call(ask("[[fake:auth-failure]]"))));
    expect(error).toMatchObject({ status: 502, code: "claude_cli_auth", retryable: true, providerWide: true, retryAt: undefined });
    expect(error.message).toContain("Not logged in");
    expect(error.message).toContain("run `claude` and /login");
  });

  test("an exhausted usage limit: 429 with the reset time, for every model of the CLI, and logged", async () => {
    const before = Date.now();
    const error = await rejection(provider.stream(call(ask("[[fake:usage-limit]]"))));
    expect(error).toMatchObject({ status: 429, type: "rate_limit_error", code: "claude_cli_usage_limit", retryable: true, providerWide: true });
    // The fake's limit resets two hours from now (whole seconds).
    expect(error.retryAt!).toBeGreaterThan(before + 2 * 3600_000 - 2000);
    expect(error.retryAt!).toBeLessThan(Date.now() + 2 * 3600_000 + 1000);
    expect(error.message).toContain("You've hit your 5-hour limit · resets 3pm (UTC)");
    expect(error.message).toContain(`resets at ${new Date(error.retryAt!).toISOString()}`);
    expect(logLines.some((line) => line.includes("usage limit is reached") && line.includes("five_hour"))).toBe(true);
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
    // The idle timer also covers the wait for the first token, which includes the fake CLI's start:
    // 1 s leaves room for a start slowed by a busy machine (300 ms did not, in parallel runs).
    const impatient = makeProvider({ idleTimeoutMs: 1000 });
    const started = performance.now();
    const chunks = await Array.fromAsync(await impatient.stream(call(ask("[[fake:hang-midway]]"))));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(content(chunks)).toBe("Thinking about it");
    expect(chunks.at(-1)!.error).toMatchObject({ type: "timeout_error", code: "upstream_timeout" });
    expect(chunks.at(-1)!.error!.message).toContain("sent nothing for 1000 ms");
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
    // The first request filled the pool for its model: two processes of ours wait on stdin, without a request yet (no record).
    await Bun.sleep(300);
    const served = new Set(records().map((record) => record.pid));
    const waiting = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("fake-claude-cli.ts");
        } catch {
          return false;
        }
      })
      .map(Number)
      .filter((pid) => !served.has(pid) && processState(pid) === "running");
    expect(waiting).toHaveLength(2);

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
