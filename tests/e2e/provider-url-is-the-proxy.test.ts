import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { spawnProxy } from "../helpers/spawn-proxy";

/**
 * The README has Claude Code users `export ANTHROPIC_BASE_URL=http://127.0.0.1:3000` and
 * `ANTHROPIC_API_KEY=x`. The proxy reads the same variables for its own Anthropic provider, so
 * started from that shell it sent every request to itself: one curl request became thousands of
 * requests and ~8,000 open connections in a minute, and the client hung. A provider URL that is
 * the proxy's own address now stops start-up, naming the variable and how to fix it.
 */
const dir = mkdtempSync(join(tmpdir(), "provider-url-self-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("bun run start with ANTHROPIC_BASE_URL at its own address stops with a message naming the variable", async () => {
  const proxy = spawnProxy(dir, { PORT: "18977", ANTHROPIC_BASE_URL: "http://127.0.0.1:18977", ANTHROPIC_API_KEY: "x", DATA_DIR: join(dir, "data") });
  const timer = setTimeout(() => proxy.child.kill(), 20_000);
  const code = await proxy.exited;
  clearTimeout(timer);
  expect(code).not.toBe(0);
  expect(proxy.stderr()).toContain("ANTHROPIC_BASE_URL: points at this proxy itself");
}, 30_000);

test("every provider URL is checked, under any loopback name; another port or host is fine", () => {
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig({ PORT: "3000", ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigError ? error.problems.map((problem) => problem.split(":")[0]) : [String(error)];
    }
  };
  expect(refused({ OPENAI_BASE_URL: "http://localhost:3000/v1" })).toEqual(["OPENAI_BASE_URL"]);
  expect(refused({ GEMINI_BASE_URL: "http://[::1]:3000" })).toEqual(["GEMINI_BASE_URL"]);
  expect(refused({ OLLAMA_BASE_URL: "http://127.0.0.1:3000" })).toEqual(["OLLAMA_BASE_URL"]);
  expect(refused({ OLLAMA_BASE_URL: "http://127.0.0.1:3000", OLLAMA_ENABLED: "false" })).toEqual([]);
  const custom = JSON.stringify([{ id: "mine", baseUrl: "http://127.0.0.1:3000/v1", models: [{ id: "m", tier: "economy" }] }]);
  expect(refused({ CUSTOM_PROVIDERS: custom })).toEqual(["CUSTOM_PROVIDERS (at 0.baseUrl)"]);
  expect(refused({ HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED_REMOTE: "true", ANTHROPIC_BASE_URL: "http://0.0.0.0:3000" })).toEqual(["ANTHROPIC_BASE_URL"]);
  expect(refused({ ANTHROPIC_BASE_URL: "http://127.0.0.1:3001", OPENAI_BASE_URL: "https://api.openai.com/v1" })).toEqual([]);
  expect(refused({ PORT: "80", ANTHROPIC_BASE_URL: "http://localhost" })).toEqual(["ANTHROPIC_BASE_URL"]);
});
