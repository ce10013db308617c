import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * On a fresh clone the Claude CLI is found (a dev dependency) but not logged in. The start-up log
 * says so; the Providers page said "unreachable: Configured, but it did not answer at start-up",
 * which sends a new user looking for a server that is not down. It now gives the start-up's reason.
 */
const fakeCli = join(import.meta.dir, "..", "helpers", "fake-claude-cli.ts");
let proxy: TestProxy;

beforeAll(async () => {
  process.env.FAKE_CLAUDE_LOGGED_OUT = "1";
  try {
    proxy = await startTestProxy({ CLAUDE_CLI_ENABLED: "true", CLAUDE_CLI_PATH: fakeCli, OPENAI_API_KEY: "sk-providers-page-cli-000000" });
  } finally {
    delete process.env.FAKE_CLAUDE_LOGGED_OUT;
  }
});

afterAll(async () => {
  await proxy?.close();
});

test("a Claude CLI that is not logged in is shown as such, with what to do", async () => {
  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  const text = html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
  const cli = text.slice(text.indexOf("Claude CLI claude-cli"), text.indexOf("Claude CLI claude-cli") + 300);
  expect(cli).toContain("not logged in");
  expect(cli).toContain("/login");
  expect(cli).not.toContain("did not answer at start-up");
});
