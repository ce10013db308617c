import { type Config, loadConfig } from "../src/config";

/**
 * The configuration every benchmark builds its proxy from: the OpenAI provider pointed at the mock
 * upstream (`baseUrl`, ending in /v1), the request log in `dataDir`, no Ollama or Claude CLI, silent
 * logs; `settings` (a database URL, BENCH_PROXY_ENV, a budget) go over these.
 */
export function benchProxyConfig(baseUrl: string, dataDir: string, settings: Record<string, string> = {}): Config {
  return loadConfig({
    OPENAI_API_KEY: "sk-bench-not-a-real-key",
    OPENAI_BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    ...settings,
  });
}
