import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client";
import { findRequestLog } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { startProxyProcess as startCommand } from "../helpers/command-process";
import { type ProxyProcess, startProxyProcess } from "../helpers/proxy-process";
import { SseReader } from "../helpers/sse-reader";

/**
 * The real entry point (`bun run src/index.ts`) as a child process with its own PGlite data dir:
 * after SIGTERM or SIGINT it must exit cleanly with every request of its life in the log, even
 * though the log is written in batches (the flush interval here is far longer than the test).
 */
let upstream: MockOpenAIUpstream;
let directory: string;

beforeAll(() => {
  upstream = startMockOpenAIUpstream();
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-shutdown-"));
});

afterAll(async () => {
  await upstream.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Starts the proxy and waits for its "listening" line, which carries the port it got. */
function startProxy(dataDir: string, env: Record<string, string> = {}): Promise<ProxyProcess> {
  return startProxyProcess({
    cwd: directory,
    env: {
      DATA_DIR: dataDir,
      LOG_FLUSH_INTERVAL_MS: "600000",
      OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
      OPENAI_BASE_URL: upstream.url,
      ...env,
    },
  });
}

/** A chat request ("Hello" to gpt-4o-mini, plus `body`); the response is not read. */
function sendChat(origin: string, body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }], ...body }),
  });
}

/** A chat request read to its end. */
async function chat(origin: string, body: Record<string, unknown>) {
  const response = await sendChat(origin, body);
  await response.arrayBuffer();
  return response;
}

/** N requests of every kind the log sees: answers, streams, client errors, a model that does not exist. */
async function sendRequests(origin: string, count: number): Promise<string[]> {
  const taskIds: string[] = [];
  for (let index = 0; index < count; index++) {
    const kind = index % 4;
    const response =
      kind === 0 ? await chat(origin, {}) : kind === 1 ? await chat(origin, { stream: true }) : kind === 2 ? await chat(origin, { model: "no-such-model" }) : await chat(origin, { temperature: "hot" });
    expect(response.status).toBe([200, 200, 404, 400][kind]!);
    taskIds.push(response.headers.get("x-task-id")!);
  }
  return taskIds;
}

async function loggedTasks(dataDir: string, taskIds: string[]) {
  const database = await openDatabase({ dataDir });
  try {
    const rows = await Promise.all(taskIds.map((taskId) => findRequestLog(database.db, taskId)));
    return rows.filter((row) => row !== undefined);
  } finally {
    await database.close();
  }
}

describe("clean shutdown loses nothing", () => {
  const dataDir = () => join(directory, "data");
  const N = 12;
  const allTaskIds: string[] = [];

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} right after the last response: exit 0, all ${N} rows in the log`, async () => {
      const proxy = await startProxy(dataDir());
      try {
        const taskIds = await sendRequests(proxy.origin, N);
        proxy.child.kill(signal);
        expect(await proxy.exited).toBe(0);
        expect(proxy.stderr()).toContain(`"signal":"${signal}"`);
        expect(proxy.stderr()).toContain(`"pending":${N}`);
        allTaskIds.push(...taskIds);
        // The data dir is reopened (migrations run again on it) and holds this run's rows and the earlier run's.
        const rows = await loggedTasks(dataDir(), allTaskIds);
        expect(rows.map((row) => row.taskId).sort()).toEqual([...allTaskIds].sort());
        expect(rows.filter((row) => taskIds.includes(row.taskId)).map((row) => row.status).sort()).toEqual(
          Array.from({ length: N }, (_, index) => [200, 200, 404, 400][index % 4]!).sort(),
        );
      } finally {
        proxy.child.kill("SIGKILL");
      }
    }, 60_000);
  }

  test("a stream still running at SIGTERM is finished, then logged, before the process exits", async () => {
    const proxy = await startProxy(dataDir());
    try {
      upstream.enqueue({ kind: "chunks", count: 6, intervalMs: 50 });
      const response = await sendChat(proxy.origin, { stream: true });
      const reader = new SseReader(response);
      await reader.nextData();
      proxy.child.kill("SIGTERM");
      const rest = await reader.rest();
      expect(rest.at(-1)!.data).toBe("[DONE]");
      expect(await proxy.exited).toBe(0);
      const [row] = await loggedTasks(dataDir(), [response.headers.get("x-task-id")!]);
      expect(row).toMatchObject({ status: 200, stream: true, finishReason: "stop", tokensOut: 6 });
    } finally {
      proxy.child.kill("SIGKILL");
    }
  }, 60_000);

  test("a stream stalled at SIGTERM and a call still waiting are cut after SHUTDOWN_GRACE_MS: an error event, a 503, both logged, exit 0", async () => {
    const proxy = await startProxy(dataDir(), { SHUTDOWN_GRACE_MS: "400" });
    try {
      upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
      const streamed = await sendChat(proxy.origin, { stream: true });
      const reader = new SseReader(streamed);
      await reader.nextData();
      upstream.enqueue({ kind: "hang" });
      const before = upstream.requests.length;
      const waiting = sendChat(proxy.origin);
      while (upstream.requests.length === before) await Bun.sleep(10);

      proxy.child.kill("SIGTERM");
      const rest = await reader.rest();
      const events = rest.map((block) => block.data).filter((data) => typeof data === "object") as Array<{ error?: { code: string; type: string } }>;
      expect(events.at(-1)!.error).toMatchObject({ code: "shutting_down", type: "server_error" });
      expect(rest.at(-1)!.data).toBe("[DONE]");
      const cut = await waiting;
      expect(cut.status).toBe(503);
      expect(((await cut.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
      expect(await proxy.exited).toBe(0);
      expect(proxy.stderr()).toContain("requests still running after SHUTDOWN_GRACE_MS");

      const rows = await loggedTasks(dataDir(), [streamed.headers.get("x-task-id")!, cut.headers.get("x-task-id")!]);
      expect(rows.map((row) => ({ status: row.status, stream: row.stream })).sort((a, b) => Number(b.stream) - Number(a.stream))).toEqual([
        { status: 503, stream: true },
        { status: 503, stream: false },
      ]);
    } finally {
      proxy.child.kill("SIGKILL");
    }
  }, 60_000);

  // Ctrl-C in the terminal of `bun run start` signals the whole process group: the proxy gets
  // SIGINT from the terminal and again, milliseconds later, from `bun run`, which passes it on to
  // its child (systemd's SIGTERM to the control group likewise). Read as "a second signal", that
  // exited at once: streams cut without their error event, and no row for any request in flight.
  for (const signal of ["SIGTERM"] as const) {
    test(`${signal} delivered again right after (systemd's copy to the control group, \`bun run\`'s to its child) is one signal: the grace period, the cut, every row`, async () => {
      const proxy = await startProxy(dataDir(), { SHUTDOWN_GRACE_MS: "400" });
      try {
        upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
        const streamed = await sendChat(proxy.origin, { stream: true });
        const reader = new SseReader(streamed);
        await reader.nextData();

        proxy.child.kill(signal);
        while (!proxy.stderr().includes("shutting down")) await Bun.sleep(5);
        proxy.child.kill(signal);
        const rest = await reader.rest();
        const events = rest.map((block) => block.data).filter((data) => typeof data === "object") as Array<{ error?: { code: string } }>;
        expect(events.at(-1)!.error).toMatchObject({ code: "shutting_down" });
        expect(await proxy.exited).toBe(0);
        expect(proxy.stderr()).not.toContain("second signal: exiting now");
        const [row] = await loggedTasks(dataDir(), [streamed.headers.get("x-task-id")!]);
        expect(row).toMatchObject({ status: 503, stream: true });
      } finally {
        proxy.child.kill("SIGKILL");
      }
    }, 60_000);
  }

  // The same through the real thing: `bun run start` in a process group of its own, and SIGINT to
  // the group, as the terminal sends it on Ctrl-C.
  test.skipIf(!existsSync("/usr/bin/setsid"))("Ctrl-C on `bun run start` (SIGINT to its process group): the stream is cut with its error event and logged, exit 0", async () => {
    const repository = new URL("../..", import.meta.url).pathname;
    const proxy = await startCommand(["/usr/bin/setsid", process.execPath, "run", "start"], {
      cwd: repository,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: directory,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        OLLAMA_ENABLED: "false",
        CLAUDE_CLI_ENABLED: "false",
        CACHE_ENABLED: "false",
        EMBEDDED_DATABASE: "pglite",
        DATA_DIR: dataDir(),
        LOG_FLUSH_INTERVAL_MS: "600000",
        OPENAI_API_KEY: "sk-test-upstream-key-1234567890",
        OPENAI_BASE_URL: upstream.url,
        SHUTDOWN_GRACE_MS: "400",
      },
    });
    try {
      upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
      const streamed = await sendChat(proxy.origin, { stream: true });
      const reader = new SseReader(streamed);
      await reader.nextData();

      process.kill(-proxy.child.pid, "SIGINT");
      const rest = await reader.rest();
      const events = rest.map((block) => block.data).filter((data) => typeof data === "object") as Array<{ error?: { code: string } }>;
      expect(events.at(-1)!.error).toMatchObject({ code: "shutting_down" });
      expect(await proxy.exited).toBe(0);
      const [row] = await loggedTasks(dataDir(), [streamed.headers.get("x-task-id")!]);
      expect(row).toMatchObject({ status: 503, stream: true });
    } finally {
      try {
        process.kill(-proxy.child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }, 60_000);

  test("a second signal exits at once, without waiting for the grace period", async () => {
    const proxy = await startProxy(dataDir(), { SHUTDOWN_GRACE_MS: "600000" });
    try {
      upstream.enqueue({ kind: "stall", name: "text-with-usage", lines: 2 });
      const streamed = await sendChat(proxy.origin, { stream: true });
      await new SseReader(streamed).nextData();
      proxy.child.kill("SIGTERM");
      while (!proxy.stderr().includes("shutting down")) await Bun.sleep(10);
      proxy.child.kill("SIGINT");
      expect(await proxy.exited).toBe(130);
      expect(proxy.stderr()).toContain("second signal: exiting now");
    } finally {
      proxy.child.kill("SIGKILL");
    }
  }, 60_000);
});
