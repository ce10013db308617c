import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { openDatabase } from "../../src/db/client";
import { findRequestLog } from "../../src/db/queries";
import { RUNTIME_SETTINGS } from "../../src/runtime-settings";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type ProxyProcess, startProxyProcess } from "../helpers/command-process";

/**
 * The smoke test of `bun run build`: the executable is compiled into a temporary directory and run
 * from another, empty one with no node_modules, no source and no migrations folder nearby. It must
 * create its embedded database, answer every door, serve the dashboard and its static files, stop
 * cleanly on SIGTERM with everything logged, and start again on the same data dir.
 */
const root = new URL("../..", import.meta.url).pathname;
let buildDirectory: string;
let workDirectory: string;
let executable: string;
let upstream: MockOpenAIUpstream;

beforeAll(() => {
  buildDirectory = mkdtempSync(join(tmpdir(), "claude-proxy-build-"));
  workDirectory = mkdtempSync(join(tmpdir(), "claude-proxy-binary-"));
  executable = join(buildDirectory, "claude-proxy");
  const build = Bun.spawnSync(["bun", "build", "--compile", "--minify", join(root, "src/index.ts"), "--outfile", executable], { cwd: root, stderr: "pipe", stdout: "pipe" });
  if (build.exitCode !== 0) throw new Error(`bun build --compile failed:\n${build.stderr.toString()}${build.stdout.toString()}`);
  upstream = startMockOpenAIUpstream();
}, 120_000);

afterAll(async () => {
  await upstream?.close();
  rmSync(buildDirectory, { recursive: true, force: true });
  rmSync(workDirectory, { recursive: true, force: true });
});

function startBinary(...flags: string[]): Promise<ProxyProcess> {
  return startProxyProcess([executable, "--port", "0", ...flags], {
    cwd: workDirectory,
    env: {
      PATH: "/usr/bin:/bin",
      HOME: workDirectory,
      LOG_FLUSH_INTERVAL_MS: "600000",
      OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
      OPENAI_BASE_URL: upstream.url,
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      // The same requests go out again and must reach the upstream each time.
      CACHE_ENABLED: "false",
    },
  });
}

async function stop(proxy: ProxyProcess): Promise<number> {
  proxy.child.kill("SIGTERM");
  return proxy.exited;
}

describe("the compiled executable", () => {
  const taskIds: string[] = [];

  test("--help and --version answer and exit 0; a bad flag exits non-zero with a clear message", () => {
    const help = Bun.spawnSync([executable, "--help"], { cwd: workDirectory });
    expect(help.exitCode).toBe(0);
    expect(help.stdout.toString()).toContain("--data-dir <path>");
    const version = Bun.spawnSync([executable, "--version"], { cwd: workDirectory });
    expect(version.stdout.toString().trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const bad = Bun.spawnSync([executable, "--prot", "4000"], { cwd: workDirectory });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.toString()).toContain("Unknown option '--prot'");
  });

  test("a start-up failure nothing expected ends in one line and exit code 1 (fixtures/startup-failures/preload.ts)", async () => {
    const preload = new URL("../fixtures/startup-failures/preload.ts", import.meta.url).pathname;
    for (const [failure, line] of [
      ["wasm-undefined", "claude-proxy could not start: a start-up step failed without saying why"],
      ["background", "claude-proxy could not start: a start-up task failed"],
    ]) {
      const run = Bun.spawn([executable, "--port", "0", "--data-dir", "memory://"], {
        cwd: workDirectory,
        env: { PATH: "/usr/bin:/bin", HOME: workDirectory, OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", BUN_OPTIONS: `--preload=${preload}`, STARTUP_FAILURE: failure! },
        stdin: "ignore",
        stdout: "ignore",
        stderr: "pipe",
      });
      const timer = setTimeout(() => run.kill("SIGKILL"), 25_000);
      const [code, stderr] = await Promise.all([run.exited, new Response(run.stderr).text()]);
      clearTimeout(timer);
      expect({ code, stderr }).toEqual({ code: 1, stderr: `${line}\n` });
    }
    expect(readdirSync(workDirectory)).toEqual([]);
  }, 60_000);

  test("starts in an empty directory, creates its database, serves every door, the dashboard and its files", async () => {
    expect(readdirSync(workDirectory)).toEqual([]);
    const proxy = await startBinary();
    try {
      // Started without the runtime's settings, it replaced itself (same pid) by a run with them.
      const environment = readFileSync(`/proc/${proxy.child.pid}/environ`, "utf8").split("\0");
      for (const [name, value] of Object.entries(RUNTIME_SETTINGS)) expect(environment).toContain(`${name}=${value}`);
      // PGlite (native PostgreSQL cannot run from inside the executable), unpacked from the embedded pre-initialised data dir.
      expect(readdirSync(join(workDirectory, "data"))).toContain("PG_VERSION");
      const client = new OpenAI({ baseURL: `${proxy.origin}/v1`, apiKey: "anything", maxRetries: 0 });
      const models = await client.models.list();
      expect(models.data.map((model) => model.id)).toContain("gpt-4o-mini");

      const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }).withResponse();
      expect(completion.data.choices[0]!.message.content).toBe("Hello from the mock upstream.");
      taskIds.push(completion.response.headers.get("x-task-id")!);
      upstream.enqueue({ kind: "chunks", count: 3, intervalMs: 5 });
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], stream: true }).withResponse();
      let text = "";
      for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("token0 token1 token2 ");
      taskIds.push(stream.response.headers.get("x-task-id")!);

      // The Responses door (Codex), through the same executable.
      const answer = await client.responses.create({ model: "gpt-4o-mini", input: "Hello" }).withResponse();
      expect(answer.data.output_text).toBe("Hello from the mock upstream.");
      taskIds.push(answer.response.headers.get("x-task-id")!);

      const page = await fetch(`${proxy.origin}/dashboard`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const assetUrls = [...html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&"));
      expect(assetUrls.length).toBeGreaterThanOrEqual(3);
      for (const url of assetUrls) {
        const asset = await fetch(`${proxy.origin}${url}`);
        expect(asset.status).toBe(200);
        expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
      }
    } finally {
      expect(await stop(proxy)).toBe(0);
    }
    expect(proxy.stderr()).toContain('"signal":"SIGTERM"');
  }, 90_000);

  test("restarts on the same data dir; the rows of the first run were flushed on SIGTERM", async () => {
    const proxy = await startBinary("--data-dir", "./data");
    try {
      expect((await fetch(`${proxy.origin}/health`)).status).toBe(200);
      const models = await fetch(`${proxy.origin}/v1/models`);
      expect(models.status).toBe(200);
    } finally {
      expect(await stop(proxy)).toBe(0);
    }
    // Opened by the source tree's own code: the binary's migration bookkeeping is the same.
    const database = await openDatabase({ dataDir: join(workDirectory, "data") });
    try {
      const rows = await Promise.all(taskIds.map((taskId) => findRequestLog(database.db, taskId)));
      expect(rows.map((row) => row?.status)).toEqual([200, 200, 200]);
      expect(rows.map((row) => row?.door)).toEqual(["openai", "openai", "responses"]);
    } finally {
      await database.close();
    }
  }, 60_000);
});
