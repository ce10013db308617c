import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Everything a test needs to run the real `codex` binary (the @openai/codex dev dependency, whose
 * native binary comes in a platform package) against the proxy: a throwaway CODEX_HOME whose
 * config.toml makes the proxy its one model provider (Responses wire, a dummy key from an
 * environment variable, no retries), a throwaway HOME and working directory, and every other
 * HTTP(S) request sent to a dead local proxy so nothing can leave the machine.
 */
export const realCodexCli = join(import.meta.dir, "..", "..", "node_modules", ".bin", "codex");

export interface CodexSandbox {
  home: string;
  /** The directory codex works in (`-C`). */
  workdir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** The config.toml the README's Codex section shows, pointed at `baseUrl` (the proxy's /v1). */
export function codexConfig(baseUrl: string, model = "auto"): string {
  return [
    `model = "${model}"`,
    `model_provider = "claude-proxy"`,
    `check_for_update_on_startup = false`,
    ``,
    `[model_providers.claude-proxy]`,
    `name = "claude-proxy"`,
    `base_url = "${baseUrl}"`,
    `env_key = "CLAUDE_PROXY_KEY"`,
    `wire_api = "responses"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    `[features]`,
    `plugins = false`,
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
  ].join("\n");
}

export function createCodexSandbox(proxyBaseUrl: string, model?: string): CodexSandbox {
  const root = mkdtempSync(join(tmpdir(), "codex-sandbox-"));
  const home = join(root, "home");
  const codexHome = join(home, ".codex");
  const workdir = join(root, "work");
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(workdir);
  writeFileSync(join(codexHome, "config.toml"), codexConfig(proxyBaseUrl, model));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    CODEX_HOME: codexHome,
    TMPDIR: tmpdir(),
    CLAUDE_PROXY_KEY: "sk-codex-dummy-key-for-the-proxy",
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    NO_PROXY: "127.0.0.1,localhost",
    NO_COLOR: "1",
  };
  return { home, workdir, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
