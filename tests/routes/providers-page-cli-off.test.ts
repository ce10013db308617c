import { afterAll, beforeAll, expect, test } from "bun:test";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * With CLAUDE_CLI_ENABLED=false the Providers page told the user to install and log in to the CLI,
 * and that "CLAUDE_CLI_ENABLED=false turns it off", as if it were still on. It now says it is off and why.
 */
let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy({ CLAUDE_CLI_ENABLED: "false", OPENAI_API_KEY: "sk-providers-page-cli-off-0000" });
});

afterAll(async () => {
  await proxy?.close();
});

test("a Claude CLI turned off by CLAUDE_CLI_ENABLED=false says so", async () => {
  const html = await (await fetch(`${proxy.origin}/dashboard/providers`)).text();
  const text = html.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ");
  const at = text.indexOf("Claude CLI claude-cli");
  expect(at).toBeGreaterThanOrEqual(0);
  const cli = text.slice(at, at + 300);
  expect(cli).toContain("Off: CLAUDE_CLI_ENABLED=false");
  expect(cli).not.toContain("turns it off");
});
