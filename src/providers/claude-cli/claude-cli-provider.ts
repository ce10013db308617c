import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anthropicOptionNames } from "../../chat/anthropic-options";
import { collectChunks } from "../../chat/collect-chunks";
import { ProxyError } from "../../errors";
import type { Logger } from "../../logger";
import type { LLMProvider, ProviderCall, ProviderModel } from "../types";
import { childEnvironment, coldArguments, initializeLine, pooledArguments, userLine } from "./cli-arguments";
import { CliProcess } from "./cli-process";
import { CliProcessPool } from "./cli-process-pool";
import { startRunStream } from "./cli-run-stream";
import { renderPrompt } from "./render-prompt";

/**
 * The Claude Code CLI as a provider: each request runs `claude -p` under the user's own login
 * (no key). The CLI cannot run the client's tools and cannot take images, so capabilities say so
 * and the router does not send such requests here; a request with tools sent here explicitly is
 * answered with a notice that the tools were unavailable. Runs happen in a private, empty working
 * directory (no project files or CLAUDE.md reach the prompt), which also holds the system-prompt files.
 */
export interface ClaudeCliProviderOptions {
  path: string;
  models: ProviderModel[];
  /** Warm processes kept per model; 0 starts one process per request. */
  poolSize: number;
  /** A run silent this long is killed (the dispatcher's timeout only covers the wait for the first token). */
  idleTimeoutMs: number;
  logger: Logger;
  /** The child's base environment; the proxy's own by default. */
  env?: Record<string, string | undefined>;
}

export const TOOLS_UNAVAILABLE_NOTICE =
  "[claude-cli: the tools defined in this request cannot be used through the Claude CLI provider; this answer was written without them.]\n\n";

/** Request fields `claude -p` has no switch for; they are dropped with a log line. */
const unsupportedFields = ["temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "presence_penalty", "frequency_penalty", "response_format"] as const;

const removeFile = (path: string) => rmSync(path, { force: true });

export function createClaudeCliProvider(options: ClaudeCliProviderOptions): LLMProvider {
  const workDirectory = mkdtempSync(join(tmpdir(), "claude-proxy-cli-"));
  const env = childEnvironment(options.env ?? process.env);
  const start = (args: string[], onExit?: () => void) =>
    new CliProcess({ path: options.path, args, env, cwd: workDirectory, onExit });
  const pool = options.poolSize > 0 ? new CliProcessPool(options.poolSize, (model) => start(pooledArguments(model))) : undefined;
  const running = new Set<CliProcess>();
  let closed = false;

  const launch = async (call: ProviderCall, systemPrompt: string, prompt: string): Promise<CliProcess> => {
    if (pool) {
      const child = pool.take(call.model);
      await child.write(initializeLine(systemPrompt) + userLine(prompt), true);
      return child;
    }
    const systemPromptFile = join(workDirectory, `${crypto.randomUUID()}.system-prompt.txt`);
    writeFileSync(systemPromptFile, systemPrompt, { mode: 0o600 });
    let child: CliProcess;
    try {
      child = start(coldArguments(call.model, systemPromptFile), () => removeFile(systemPromptFile));
    } catch (error) {
      removeFile(systemPromptFile);
      throw error;
    }
    await child.write(prompt, true);
    return child;
  };

  const provider: LLMProvider = {
    id: "claude-cli",
    displayName: "Claude CLI",
    capabilities: { tools: false, vision: false, jsonMode: false, reasoning: true },
    // The user's claude login (a subscription), unless an API key in its environment is billed instead.
    billing: env.ANTHROPIC_API_KEY ? "metered" : "flat",
    listModels: async () => options.models,

    async stream(call) {
      if (closed) throw new ProxyError(503, "The Claude CLI provider is shutting down.", { type: "server_error", code: "provider_closed", retryable: true });
      const { systemPrompt, prompt } = renderPrompt(call.request);
      const dropped = [...unsupportedFields.filter((field) => call.request[field] != null), ...anthropicOptionNames(call.request.anthropic)];
      if (dropped.length > 0) options.logger.debug("claude-cli: dropped request fields the CLI cannot take", { model: call.model, fields: dropped });
      const notices: string[] = [];
      if (call.request.tools && call.request.tools.length > 0) {
        options.logger.warn("claude-cli: the request defines tools, which the Claude CLI cannot call; answering without them", {
          model: call.model,
          tools: call.request.tools.length,
        });
        notices.push(TOOLS_UNAVAILABLE_NOTICE);
      }
      if (call.signal.aborted) throw call.signal.reason instanceof ProxyError ? call.signal.reason : new ProxyError(499, "The request was cancelled.", { type: "client_closed", code: "client_closed" });

      const child = await launch(call, systemPrompt, prompt);
      running.add(child);
      void child.exited.then(() => running.delete(child));
      return startRunStream({ child, model: call.model, signal: call.signal, idleTimeoutMs: options.idleTimeoutMs, notices });
    },

    async complete(call) {
      return collectChunks(await provider.stream(call));
    },

    async close() {
      closed = true;
      await Promise.all([pool?.close(), ...[...running].map((child) => child.kill())]);
      rmSync(workDirectory, { recursive: true, force: true });
    },
  };
  return provider;
}
