import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog } from "../../src/catalog/build-catalog";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { createClaudeCliProviders, findClaudeCli } from "../../src/providers/claude-cli/create-claude-cli-providers";

/** Which `claude` the proxy picks, and its start-up check that the CLI can answer. */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
const scratch = mkdtempSync(join(tmpdir(), "claude-cli-factory-"));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function executable(directory: string): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, "claude");
  writeFileSync(path, "#!/bin/sh\nexit 0\n");
  chmodSync(path, 0o755);
  return path;
}

describe("findClaudeCli", () => {
  const projectBin = join(scratch, "project", "node_modules", ".bin");
  const userBin = join(scratch, "user", "bin");
  const projectClaude = executable(projectBin);
  const userClaude = executable(userBin);

  test("a claude the user installed wins over a node_modules/.bin one that comes first on PATH", () => {
    expect(findClaudeCli(undefined, [projectBin, "/nonexistent", userBin].join(":"))).toBe(userClaude);
  });

  test("the node_modules one is used when it is the only one", () => {
    expect(findClaudeCli(undefined, [projectBin, "/nonexistent"].join(":"))).toBe(projectClaude);
    expect(findClaudeCli(undefined, "/nonexistent")).toBeUndefined();
  });

  test("CLAUDE_CLI_PATH wins when it is an executable file", () => {
    expect(findClaudeCli(projectClaude, userBin)).toBe(projectClaude);
    expect(findClaudeCli(join(scratch, "missing"), userBin)).toBeUndefined();
  });
});

describe("the start-up check", () => {
  const lines: string[] = [];
  const logger = createLogger("debug", (line) => lines.push(line));
  const config = loadConfig({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: fakeCli, LOG_LEVEL: "debug" });
  const catalog = buildCatalog(config);

  test("a CLI that is not logged in is not used, and the log says what to do", async () => {
    process.env.FAKE_CLAUDE_LOGGED_OUT = "1";
    try {
      expect(await createClaudeCliProviders(config, catalog, { logger })).toEqual([]);
    } finally {
      delete process.env.FAKE_CLAUDE_LOGGED_OUT;
    }
    expect(lines.some((line) => line.includes(`Claude CLI found at ${fakeCli} but not logged in: run \`claude\` and /login`))).toBe(true);
  });

  test("a logged-in CLI becomes the provider, with tools and vision", async () => {
    const providers = await createClaudeCliProviders(config, catalog, { logger });
    expect(providers.map((provider) => provider.id)).toEqual(["claude-cli"]);
    expect(providers[0]!.capabilities).toMatchObject({ tools: true, vision: true });
    expect(lines.some((line) => line.includes("Claude CLI detected") && line.includes('"subscription":"max"'))).toBe(true);
    await Promise.all(providers.map((provider) => provider.close?.()));
  });
});
