import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, secretValues } from "../../src/config";
import { exposureWarning } from "../../src/security/exposure";

/** What the configuration knows about secrets and exposure: which values are secret, when a key is required. */

describe("secret values", () => {
  test("every key, PROXY_API_KEY, each custom provider's key and the DATABASE_URL password", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "openai-secret-1",
      ANTHROPIC_API_KEY: "anthropic-secret-2",
      GEMINI_API_KEY: "gemini-secret-3",
      PROXY_API_KEY: "proxy-secret-0123456789",
      DATABASE_URL: "postgres://proxy:p%40ss%2Fword@db.example:5432/proxy",
      CUSTOM_PROVIDERS: JSON.stringify([
        { id: "groq", baseUrl: "https://api.groq.com/openai/v1", apiKey: "gsk_custom-secret-4", models: [{ id: "m" }] },
        { id: "local", baseUrl: "http://127.0.0.1:1234/v1", models: [{ id: "m" }] },
        { id: "xai", baseUrl: "https://api.x.ai/v1", apiKey: "xai-custom-secret-5", models: [{ id: "m" }] },
      ]),
    });
    expect(secretValues(config).sort()).toEqual(
      ["openai-secret-1", "anthropic-secret-2", "gemini-secret-3", "proxy-secret-0123456789", "p%40ss%2Fword", "p@ss/word", "gsk_custom-secret-4", "xai-custom-secret-5"].sort(),
    );
  });

  test("nothing configured, nothing secret; a DATABASE_URL without a password has none", () => {
    expect(secretValues(loadConfig({}))).toEqual([]);
    expect(secretValues(loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }))).toEqual([]);
  });

  test("every documented variable that names a key, token, secret or password is marked secret", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const secretLooking = [...new Set([...example.matchAll(/^#\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!))].filter((name) => /KEY|TOKEN|SECRET|PASSWORD/.test(name));
    expect(secretLooking.length).toBeGreaterThanOrEqual(4);
    for (const variable of secretLooking) {
      const value = `${variable.toLowerCase()}-canary-value`;
      expect({ variable, found: secretValues(loadConfig({ [variable]: value })).includes(value) }).toEqual({ variable, found: true });
    }
  });
});

describe("exposure beyond loopback", () => {
  const refusal = (environment: Record<string, string>) => {
    try {
      loadConfig(environment);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };

  test.each(["0.0.0.0", "::", "192.168.1.20", "proxy.example.com"])("HOST=%s without PROXY_API_KEY is refused, naming the way out", (host) => {
    const problems = refusal({ HOST: host });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`PROXY_API_KEY: required because HOST=${host}`);
    expect(problems[0]).toContain("ALLOW_UNAUTHENTICATED_REMOTE=true");
  });

  test.each(["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])("HOST=%s needs no key", (host) => {
    expect(refusal({ HOST: host })).toEqual([]);
    expect(exposureWarning(loadConfig({ HOST: host }))).toBeUndefined();
  });

  test("with PROXY_API_KEY it starts, without a warning", () => {
    const config = loadConfig({ HOST: "0.0.0.0", PROXY_API_KEY: "a-long-random-key-0123456789" });
    expect(exposureWarning(config)).toBeUndefined();
  });

  test("ALLOW_UNAUTHENTICATED_REMOTE=true starts, with a warning that says what is at stake", () => {
    const config = loadConfig({ HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED_REMOTE: "true" });
    expect(exposureWarning(config)).toStartWith("UNAUTHENTICATED: HOST=0.0.0.0 serves every machine");
    expect(exposureWarning(config)).toContain("PROXY_API_KEY");
  });

  test("a short PROXY_API_KEY is refused", () => {
    expect(refusal({ PROXY_API_KEY: "short" })[0]).toStartWith("PROXY_API_KEY: must be at least 16 characters");
  });

  test("ALLOWED_HOSTS takes names and addresses, not URLs or ports", () => {
    expect(loadConfig({ ALLOWED_HOSTS: "Proxy.Example.com., 10.0.0.5,[fd00::1]" }).allowedHosts).toEqual(["proxy.example.com", "10.0.0.5", "[fd00::1]"]);
    expect(refusal({ ALLOWED_HOSTS: "proxy.example.com:3000" })[0]).toStartWith("ALLOWED_HOSTS (at 0): list host names");
    expect(refusal({ ALLOWED_HOSTS: "https://proxy.example.com" })[0]).toStartWith("ALLOWED_HOSTS (at 0): list host names");
  });

  test("the real entry point with HOST=0.0.0.0 and no key exits before it listens, with the reason", async () => {
    const directory = mkdtempSync(join(tmpdir(), "claude-proxy-exposure-"));
    try {
      const child = Bun.spawn([process.execPath, "run", new URL("../../src/index.ts", import.meta.url).pathname], {
        cwd: directory,
        env: { PATH: process.env.PATH ?? "", HOME: directory, DATA_DIR: join(directory, "data"), OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", HOST: "0.0.0.0", PORT: "0" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => child.kill(), 20_000);
      const [exitCode, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
      clearTimeout(timer);
      expect(exitCode).toBe(1);
      expect(stderr).toContain("PROXY_API_KEY: required because HOST=0.0.0.0");
      expect(stderr).not.toContain("listening");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
