import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnProxy } from "../helpers/spawn-proxy";
import { type SilentTcpServer, startSilentTcpServer } from "../helpers/silent-tcp-server";
import { type ClosingTcpServer, startClosingTcpServer } from "../helpers/closing-tcp-server";

/**
 * `bun run start` with a database it cannot use exits 1 at once with one line naming the cause and
 * the variable to fix (it used to print drizzle's "Failed query: CREATE SCHEMA IF NOT EXISTS
 * "drizzle"" whatever the cause, and to wait 30 s on a port that never answers).
 */
let silent: SilentTcpServer;
let closing: ClosingTcpServer;
let directory: string;

beforeAll(async () => {
  silent = await startSilentTcpServer();
  closing = await startClosingTcpServer();
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-start-"));
  writeFileSync(join(directory, "a-file"), "not a directory");
});

afterAll(async () => {
  await silent.close();
  await closing.close();
  rmSync(directory, { recursive: true, force: true });
});

async function failedStart(env: Record<string, string>) {
  const started = performance.now();
  const proxy = spawnProxy(directory, env);
  const timer = setTimeout(() => proxy.child.kill("SIGKILL"), 25_000);
  const code = await proxy.exited;
  clearTimeout(timer);
  return { code, stderr: proxy.stderr(), ms: performance.now() - started };
}

test("each cause gets its own message and the process exits 1 within seconds", async () => {
  const [refused, silentPort, notADirectory] = await Promise.all([
    failedStart({ DATABASE_URL: "postgres://postgres:canary-password-5c1f@127.0.0.1:1/test" }),
    failedStart({ DATABASE_URL: `postgres://postgres@127.0.0.1:${silent.port}/test` }),
    failedStart({ DATA_DIR: join(directory, "a-file", "data") }),
  ]);
  for (const run of [refused, silentPort, notADirectory]) {
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain("Failed query");
    expect(run.stderr).not.toContain("canary-password-5c1f");
  }
  expect(refused.stderr).toContain("claude-proxy could not start: cannot connect to PostgreSQL as postgres@127.0.0.1:1/test (DATABASE_URL): connection refused at 127.0.0.1:1");
  expect(silentPort.stderr).toContain(`no answer from 127.0.0.1:${silent.port} within 5 s`);
  expect(silentPort.ms).toBeLessThan(15_000);
  expect(notADirectory.stderr).toContain(`cannot open the embedded database in DATA_DIR=${join(directory, "a-file", "data")}: cannot create or write the directory`);
}, 40_000);

test("a port where something else listens and closes each connection (a web server) fails within seconds", async () => {
  // postgres.js reconnected at once after every close, so the start spun at full CPU and never ended.
  const run = await failedStart({ DATABASE_URL: `postgres://postgres:canary-password-5c1f@127.0.0.1:${closing.port}/test` });
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(`claude-proxy could not start: cannot connect to PostgreSQL as postgres@127.0.0.1:${closing.port}/test (DATABASE_URL): `);
  expect(run.stderr).toContain("does not speak PostgreSQL");
  expect(run.stderr).not.toContain("canary-password-5c1f");
  expect(run.ms).toBeLessThan(20_000);
}, 40_000);
