import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWithPreload } from "../helpers/start-with-preload";

/**
 * `bun run start` whose start-up fails in a way nothing expected (fixtures/startup-failures/preload.ts
 * injects it) still ends with one line on stderr and exit code 1: no stack, no source excerpt, no
 * secret, and no "listening" line before it.
 */
const preload = new URL("../fixtures/startup-failures/preload.ts", import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "claude-proxy-startup-failure-"));
const secret = "sk-canary-startup-0123456789abcdef";

afterAll(() => rmSync(home, { recursive: true, force: true }));

async function start(failure: string, settings: Record<string, string> = {}) {
  const child = startWithPreload(preload, home, secret, { STARTUP_FAILURE: failure, ...settings });
  const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
  const [code, stderr, stdout] = await Promise.all([child.exited, new Response(child.stderr).text(), new Response(child.stdout).text()]);
  clearTimeout(timer);
  return { code, lines: stderr.split("\n").filter((line) => line.trim() !== ""), stdout };
}

test.each([
  ["wasm-undefined", "claude-proxy could not start: a start-up step failed without saying why"],
  ["wasm-secret", "claude-proxy could not start: "],
  ["background", "claude-proxy could not start: a start-up task failed"],
])("%s: one line and exit code 1", async (failure, beginning) => {
  const run = await start(failure);
  expect({ code: run.code, lines: run.lines.length }).toEqual({ code: 1, lines: 1 });
  expect(run.lines[0]).toStartWith(beginning);
  expect(run.lines[0]).not.toContain(secret);
  expect(run.lines[0]).not.toContain("undefined");
  expect(run.stdout).toBe("");
}, 30_000);

/** Processes whose command line names `path` (the embedded server is started with `-D <its data directory>`). */
function processesNaming(path: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(path)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

test("a step failing after the embedded PostgreSQL started stops that server: one line, exit 1, no server left", async () => {
  const dataDir = join(home, "after-database");
  // Run as root, the server runs as nobody, who must be able to enter the folders above its data.
  chmodSync(home, 0o755);
  const run = await start("after-database", { DATA_DIR: dataDir, EMBEDDED_DATABASE: "postgres" });
  expect({ code: run.code, lines: run.lines }).toEqual({ code: 1, lines: ["claude-proxy could not start: a step after the database failed"] });
  // The server did start (it wrote its options file) before the failure.
  expect(readdirSync(dataDir, { recursive: true }).some((name) => String(name).endsWith("postmaster.opts"))).toBe(true);
  expect(processesNaming(dataDir)).toEqual([]);
  expect(existsSync(dataDir)).toBe(true);
}, 60_000);
