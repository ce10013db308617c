import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chatRequestSchema } from "../../src/chat/request-schema";
import type { ChatCompletionChunk } from "../../src/chat/types";
import { ProxyError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { createClaudeCliProvider } from "../../src/providers/claude-cli/claude-cli-provider";
import type { LLMProvider, ProviderCall } from "../../src/providers/types";

/**
 * The Claude CLI provider against tests/helpers/fake-claude-cli.ts, for one test file: providers
 * whose runs each leave a record (argv, environment, system prompt, prompt, tools) in a directory
 * of their own, a log that tests can read, and the small helpers every such test uses. Call
 * `reset()` before each test and `close()` after all.
 */
export const fakeCli = join(import.meta.dir, "fake-claude-cli.ts");

export interface RunRecord {
  pid: number;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  systemPrompt?: string;
  promptBytes: number;
  promptSha256: string;
  promptHead: string;
  mode: string;
  grandchildPid?: number;
  images: unknown[];
  tools?: string[];
  toolsSeen?: string[];
}

export interface ProviderOptions {
  poolSize?: number;
  idleTimeoutMs?: number;
  billing?: "subscription" | "api";
}

export function createFakeCliHarness() {
  const recordDirectory = mkdtempSync(join(tmpdir(), "fake-claude-records-"));
  const logLines: string[] = [];
  const logger = createLogger("debug", (line) => logLines.push(line));
  const models = [{ id: "claude-sonnet-4-5" }, { id: "claude-haiku-4-5" }];
  const providers: LLMProvider[] = [];

  const makeProvider = (options: ProviderOptions = {}): LLMProvider => {
    const provider = createClaudeCliProvider({
      path: fakeCli,
      models,
      poolSize: options.poolSize ?? 0,
      idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
      logger,
      billing: options.billing,
      // The proxy's own Anthropic key, which a subscription-billed CLI must not see.
      env: { PATH: process.env.PATH, FAKE_CLAUDE_RECORD_DIR: recordDirectory, ANTHROPIC_API_KEY: "sk-ant-proxy-own-key" },
    });
    providers.push(provider);
    return provider;
  };

  const records = (): RunRecord[] =>
    readdirSync(recordDirectory)
      .filter((name) => name.endsWith(".json"))
      .map((name) => JSON.parse(readFileSync(join(recordDirectory, name), "utf8")) as RunRecord);

  return {
    models,
    logger,
    logLines,
    providers,
    makeProvider,
    records,
    async waitForRecord(predicate: (record: RunRecord) => boolean): Promise<RunRecord> {
      const deadline = performance.now() + 5000;
      while (performance.now() < deadline) {
        const found = records().find(predicate);
        if (found) return found;
        await Bun.sleep(10);
      }
      throw new Error("the fake CLI never wrote the expected record");
    },
    reset(): void {
      rmSync(recordDirectory, { recursive: true, force: true });
      mkdirSync(recordDirectory);
      logLines.length = 0;
    },
    async close(): Promise<void> {
      await Promise.all(providers.map((each) => each.close?.()));
      rmSync(recordDirectory, { recursive: true, force: true });
    },
  };
}

export function call(body: Record<string, unknown>, signal: AbortSignal = new AbortController().signal): ProviderCall {
  const request = chatRequestSchema.parse({ model: "claude-cli:claude-sonnet-4-5", ...body });
  return { request, model: "claude-sonnet-4-5", signal };
}

export const ask = (prompt: string) => ({ messages: [{ role: "user", content: prompt }] });
export const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");

export async function rejection(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProxyError)) throw new Error(`expected a ProxyError, got ${String(error)}`);
  return error;
}
