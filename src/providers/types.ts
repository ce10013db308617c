import type { ChatRequest } from "../chat/request-schema";
import type { ChatCompletion, ChatCompletionChunk } from "../chat/types";
import type { Logger } from "../logger";

/**
 * What every provider implements. Requests and responses use the internal (OpenAI chat) shape;
 * each provider translates to and from its own wire format inside its folder.
 *
 * Errors: `complete` and `stream` reject with a ProxyError (mapped from the upstream's error)
 * when the upstream fails before the first byte. Once `stream` has resolved, an upstream error
 * event becomes a final chunk carrying `error`, and a broken connection errors the stream with a
 * mapped ProxyError; the pipeline's stream observer turns either into the client's error event.
 */
export interface ProviderCapabilities {
  /** Client-defined tools can be offered to the model and its calls returned to the client. */
  tools: boolean;
  vision: boolean;
  jsonMode: boolean;
  reasoning: boolean;
  /** OpenAI's custom tools (free-text or grammar input) and custom tool_choice (chat/openai-tools.ts). */
  customTools?: boolean;
  /** Tool results may hold `tool_reference` parts (tool search, chat/tool-reference.ts); others get them as text. */
  toolReferences?: boolean;
  /**
   * Anthropic's server tools (`anthropic.server_tools`: web search, web fetch, code execution, …),
   * which the upstream runs itself, and their blocks (chat/anthropic-blocks.ts). A request with a
   * server tool goes only to a provider with this capability; others get the blocks left out.
   */
  serverTools?: boolean;
}

export interface ProviderModel {
  /** The model name as the upstream knows it. */
  id: string;
  contextWindow?: number;
  /** Size of a local model (Ollama), used to guess its tier when the catalog does not know it. */
  parameterBillions?: number;
  /**
   * What the upstream itself says this model can do (Ollama's /api/show), where it says: narrows
   * the catalog's and the provider's capabilities. Undefined: nothing reported.
   */
  capabilities?: { tools: boolean; vision: boolean; reasoning: boolean };
}

export interface ProviderCall {
  request: ChatRequest;
  /** The upstream model name chosen by resolution/routing (may differ from request.model). */
  model: string;
  /** Aborted when the client goes away or the upstream timeout expires. */
  signal: AbortSignal;
}

export interface LLMProvider {
  /** Stable id used in `provider:model` names, logs and the `x-provider` header. */
  readonly id: string;
  readonly displayName: string;
  readonly capabilities: ProviderCapabilities;
  /** The model name goes into the upstream's URL path, so a client-given one must not hold path syntax. */
  readonly modelInPath?: boolean;
  /**
   * How its requests are paid for: "metered" (the default) at the catalog's prices, or "flat",
   * where a request costs nothing extra (the user's own hardware, or a subscription). Budgets
   * count only metered spend, and a flat model is where BUDGET_ACTION=downgrade can always go.
   */
  readonly billing?: "metered" | "flat";
  /**
   * Every model goes through one upstream that stalls as a whole (a local CLI and its login): a
   * model that does not answer within UPSTREAM_TIMEOUT_MS pauses all of them for the cool-down,
   * so the fallback chain moves to another provider after one timeout instead of one per model.
   */
  readonly sharedUpstream?: boolean;
  listModels(): Promise<ProviderModel[]>;
  /**
   * Reads the upstream's model list again (a local server whose models come and go: Ollama);
   * resolves true when it changed, rejects when the upstream could not be read.
   */
  refreshModels?(): Promise<boolean>;
  complete(call: ProviderCall): Promise<ChatCompletion>;
  /** Resolves once the upstream accepted the request; the stream always includes usage when the upstream reports it. */
  stream(call: ProviderCall): Promise<ReadableStream<ChatCompletionChunk>>;
  /**
   * Why this model would reject this request although the catalog says it has the capabilities
   * (a per-model wire rule), or undefined. The router skips a model with a reason.
   */
  rejectionReason?(request: ChatRequest, model: string): string | undefined;
  /** The upstream's own count of the request's input tokens, where it has a counting endpoint (Anthropic's count_tokens). */
  countTokens?(call: ProviderCall): Promise<number>;
  /** Releases child processes, pools, sockets. */
  close?(): Promise<void>;
}

export interface ProviderFactoryContext {
  logger: Logger;
  fetch?: typeof fetch;
  /** A configured provider that stays off says why (the CLI not logged in): the dashboard shows it. */
  noteInactive?(providerId: string, reason: string): void;
}
