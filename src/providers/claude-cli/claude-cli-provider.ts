import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anthropicOptionNames } from "../../chat/anthropic-options";
import { collectChunks } from "../../chat/collect-chunks";
import { ProxyError } from "../../errors";
import type { Logger } from "../../logger";
import type { ClaudeCliRateLimit } from "../../stream-transformers/claude-cli-results";
import type { LLMProvider, ProviderModel } from "../types";
import { type ClaudeCliBilling, childEnvironment, initializeLine, runArguments, userLine } from "./cli-arguments";
import { CliProcess } from "./cli-process";
import { CliProcessPool } from "./cli-process-pool";
import { startRunStream } from "./cli-run-stream";
import { planClientTools, withToolInstructions } from "./client-tool-plan";
import { renderPrompt } from "./render-prompt";

/**
 * The Claude Code CLI as a provider: each request runs `claude -p` under the user's own login (no
 * key). The client's tools reach the model as native Claude tools, through an MCP server the
 * proxy hosts for that one run (client-tool-server.ts); the model's tool calls stream back as
 * OpenAI tool calls and the run ends there, so nothing ever executes inside the CLI. Images and
 * PDFs travel as content blocks. Runs happen in a private, empty working directory (no project
 * files or CLAUDE.md reach the prompt).
 */
export interface ClaudeCliProviderOptions {
  path: string;
  models: ProviderModel[];
  /** Warm processes kept per model; 0 starts one process per request. */
  poolSize: number;
  /** A run silent this long is killed (the dispatcher's timeout only covers the wait for the first token). */
  idleTimeoutMs: number;
  logger: Logger;
  /** How the CLI's requests are paid for; with a subscription, the proxy's own Anthropic key is kept from the CLI. */
  billing?: ClaudeCliBilling;
  /** The child's base environment; the proxy's own by default. */
  env?: Record<string, string | undefined>;
}

/** Request fields `claude -p` has no switch for; they are dropped with a log line. */
const unsupportedFields = ["temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "presence_penalty", "frequency_penalty", "response_format"] as const;

export function createClaudeCliProvider(options: ClaudeCliProviderOptions): LLMProvider {
  const { logger } = options;
  const workDirectory = mkdtempSync(join(tmpdir(), "claude-proxy-cli-"));
  const env = childEnvironment(options.env ?? process.env, options.billing ?? "subscription");
  const start = (model: string) => new CliProcess({ path: options.path, args: runArguments(model), env, cwd: workDirectory });
  const pool = options.poolSize > 0 ? new CliProcessPool(options.poolSize, start) : undefined;
  const running = new Set<CliProcess>();
  let closed = false;

  const onRateLimit = (model: string) => (limit: ClaudeCliRateLimit) => {
    const details = { model, status: limit.status, limit: limit.limitType, resetsAt: limit.resetsAt === undefined ? undefined : new Date(limit.resetsAt).toISOString() };
    if (limit.status === "rejected") logger.warn("claude-cli: the Claude subscription's usage limit is reached", details);
    else if (limit.status === "allowed_warning") logger.warn("claude-cli: the Claude subscription is close to its usage limit", details);
    else logger.debug("claude-cli: rate-limit report", details);
  };

  const provider: LLMProvider = {
    id: "claude-cli",
    displayName: "Claude CLI",
    capabilities: { tools: true, vision: true, jsonMode: false, reasoning: true },
    // The user's claude login (a subscription), unless an API key in its environment is billed instead.
    billing: env.ANTHROPIC_API_KEY ? "metered" : "flat",
    // One binary and one login serve every model: a hung run means the next model would hang too.
    sharedUpstream: true,
    listModels: async () => options.models,

    async stream(call) {
      if (closed) throw new ProxyError(503, "The Claude CLI provider is shutting down.", { type: "server_error", code: "provider_closed", retryable: true });
      const { model, request } = call;
      const tools = planClientTools(request, (name) => logger.warn("claude-cli: the CLI asked to run a client tool; refused", { model, tool: name }));
      const prompt = renderPrompt(request, { toolName: tools ? (name) => tools.names.modelName(name) : undefined });
      const dropped = [...unsupportedFields.filter((field) => request[field] != null), ...anthropicOptionNames(request.anthropic)];
      if (dropped.length > 0) logger.debug("claude-cli: dropped request fields the CLI cannot take", { model, fields: dropped });
      if (call.signal.aborted) throw call.signal.reason instanceof ProxyError ? call.signal.reason : new ProxyError(499, "The request was cancelled.", { type: "client_closed", code: "client_closed" });

      const child = pool ? pool.take(model) : start(model);
      running.add(child);
      void child.exited.then(() => running.delete(child));
      // With tools, stdin stays open: the CLI may ask the tool server over it (a CLI that ignores the manifest).
      await child.write(initializeLine(withToolInstructions(prompt.systemPrompt, tools), tools?.server.manifest) + userLine(prompt.content), tools === undefined);
      return startRunStream({
        child,
        model,
        signal: call.signal,
        idleTimeoutMs: options.idleTimeoutMs,
        tools,
        onRateLimit: onRateLimit(model),
        onDroppedCalls: () => logger.warn("claude-cli: the model called more than one tool although parallel_tool_calls is false; kept the first", { model }),
      });
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
