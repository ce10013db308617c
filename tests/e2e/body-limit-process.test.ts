import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client";
import { findRequestLog } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type ProxyProcess, startProxyProcess } from "../helpers/proxy-process";

/**
 * The body limit as the real entry point serves it: however far a body is over MAX_BODY_BYTES,
 * declared or chunked, the app answers (a 413 in the OpenAI shape, logged), never Bun with its
 * own empty 413 and no row. Bun's limit used to sit 1 MiB above the app's.
 */
const MAX_BODY_BYTES = 4096;
let upstream: MockOpenAIUpstream;
let directory: string;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-body-limit-"));
  proxy = await startProxyProcess({
    cwd: directory,
    env: { DATA_DIR: join(directory, "data"), MAX_BODY_BYTES: String(MAX_BODY_BYTES), OPENAI_API_KEY: "sk-test-upstream-key-1234567890", OPENAI_BASE_URL: upstream.url },
  });
}, 60_000);

afterAll(async () => {
  proxy.child.kill("SIGKILL");
  await upstream.close();
  rmSync(directory, { recursive: true, force: true });
});

const overBy = (extra: number) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(MAX_BODY_BYTES + extra) }] });

function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + 256 * 1024));
      offset += 256 * 1024;
    },
  });
}

test("bodies 2 MiB and 40 MiB over the limit, declared or chunked: the app's 413, logged, and the process keeps serving", async () => {
  const taskIds: string[] = [];
  for (const body of [overBy(2 * 1024 * 1024), overBy(40 * 1024 * 1024)]) {
    for (const send of [body, chunked(body)]) {
      const response = await fetch(`${proxy.origin}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: send,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      const error = ((await response.json()) as { error: { code: string; type: string; message: string } }).error;
      expect(error).toMatchObject({ type: "invalid_request_error", code: "request_too_large" });
      expect(error.message).toContain("MAX_BODY_BYTES");
      taskIds.push(response.headers.get("x-task-id")!);
    }
  }
  const normal = await fetch(`${proxy.origin}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] }),
  });
  expect(normal.status).toBe(200);
  await normal.arrayBuffer();

  proxy.child.kill("SIGTERM");
  expect(await proxy.exited).toBe(0);
  const database = await openDatabase({ dataDir: join(directory, "data") });
  try {
    const rows = await Promise.all(taskIds.map((taskId) => findRequestLog(database.db, taskId)));
    expect(rows.map((row) => row?.status)).toEqual([413, 413, 413, 413]);
  } finally {
    await database.close();
  }
}, 60_000);
