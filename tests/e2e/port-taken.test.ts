import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnProxy } from "../helpers/spawn-proxy";

/**
 * A port already taken (another proxy, another program) is found before the database is opened:
 * the proxy used to create DATA_DIR, unpack or initdb a database into it and run the migrations,
 * and only then fail to listen, leaving a new data directory behind for a start that never was.
 */
let directory: string;
let holder: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-port-"));
  holder = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("taken") });
});

afterAll(() => {
  holder.stop(true);
  rmSync(directory, { recursive: true, force: true });
});

test("a taken port stops the start before DATA_DIR is touched", async () => {
  const dataDir = join(directory, "data");
  const started = performance.now();
  const proxy = spawnProxy(directory, { PORT: String(holder.port), DATA_DIR: dataDir });
  const timer = setTimeout(() => proxy.child.kill("SIGKILL"), 25_000);
  const code = await proxy.exited;
  clearTimeout(timer);
  expect(code).toBe(1);
  expect(proxy.stderr()).toContain(`could not listen on 127.0.0.1:${holder.port}`);
  expect(existsSync(dataDir)).toBe(false);
  expect(existsSync(`${dataDir}.lock`)).toBe(false);
  expect(performance.now() - started).toBeLessThan(5_000);
}, 30_000);
