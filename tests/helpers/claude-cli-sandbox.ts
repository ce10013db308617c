import { mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Everything a test needs to run the real `claude` binary (the dev dependency) safely: a throwaway
 * HOME and config dir (no real login, settings or sessions are read or written), the mock
 * Anthropic API as its only upstream, a test OAuth token (the CLI then behaves as under a Claude
 * subscription: usage-limit reports, the subscription's system-prompt identity line), every
 * optional network feature off, and any other HTTP(S) traffic sent to a dead local proxy so
 * nothing can leave the machine.
 */
export const SANDBOX_OAUTH_TOKEN = "sk-ant-oat01-test-local-mock-token";

export const realClaudeCli = join(import.meta.dir, "..", "..", "node_modules", ".bin", "claude");

export interface ClaudeCliSandbox {
  env: Record<string, string>;
  cleanup(): void;
}

export function createClaudeCliSandbox(anthropicBaseUrl: string): ClaudeCliSandbox {
  const home = mkdtempSync(join(tmpdir(), "claude-cli-home-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, ".claude"),
    TMPDIR: tmpdir(),
    ANTHROPIC_BASE_URL: anthropicBaseUrl,
    CLAUDE_CODE_OAUTH_TOKEN: SANDBOX_OAUTH_TOKEN,
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // Upstream 5xx would otherwise be retried up to 10 times.
    CLAUDE_CODE_MAX_RETRIES: "0",
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
  };
  return { env, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** Live processes of the real claude binary started by this test process (direct children). */
export function realCliChildren(): number[] {
  const binary = realpathSync(realClaudeCli);
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const parent = Number(fields[1]);
        if (parent !== process.pid || fields[0] === "Z") return [];
        return readlinkSync(`/proc/${name}/exe`) === binary ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}
