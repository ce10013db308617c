import { needsCustomTools } from "../chat/openai-tools";
import type { ChatRequest } from "../chat/request-schema";
import { fileTokens } from "./file-tokens";

/** What a request needs from a model: the router keeps only candidates that can serve it. */
export interface RequestNeeds {
  /** The request itself, for providers' per-model rules (see LLMProvider.rejectionReason). */
  request: ChatRequest;
  tools: boolean;
  /** OpenAI custom tools: only a provider with the customTools capability takes them. */
  customTools: boolean;
  /** Anthropic server tools (web search, …): only a provider with the serverTools capability runs them. */
  serverTools: boolean;
  vision: boolean;
  json: boolean;
  /** The client asked for reasoning (`reasoning_effort` other than "none"): a model that can think. */
  reasoning: boolean;
  /** Estimated prompt tokens (messages, their images and files, and tool definitions). */
  promptTokens: number;
  /** Output tokens to budget for: the client's limit, or a typical answer's length. */
  outputTokens: number;
}

const TYPICAL_OUTPUT_TOKENS = 800;
const IMAGE_TOKENS = 1_000;
/**
 * Characters per token for the estimate. English prose runs ~4 with OpenAI's and Anthropic's
 * tokenizers, code and JSON ~3–3.5; 3.5 errs towards more tokens, which is the safe side for a
 * context-window check. A real tokenizer (gpt-tokenizer) was measured here at 83 MiB of resident
 * memory and ~0.07 ms per request, for counts that would still be another vendor's tokenizer.
 */
export const CHARACTERS_PER_TOKEN = 3.5;

export function requestNeeds(request: ChatRequest): RequestNeeds {
  let characters = 0;
  let files = 0;
  const images = visitPromptTexts(
    request,
    (text) => {
      characters += text.length;
    },
    (part) => {
      files += fileTokens(part, CHARACTERS_PER_TOKEN);
    },
  );
  const toolCharacters = serialisedLength(request.tools) + serialisedLength(request.openai_tools);
  return {
    request,
    tools: Boolean(request.tools?.length) && request.tool_choice !== "none",
    customTools: needsCustomTools(request.openai_tools),
    serverTools: Boolean(request.anthropic?.server_tools?.length),
    vision: images > 0,
    json: request.response_format?.type === "json_object" || request.response_format?.type === "json_schema",
    reasoning: typeof request.reasoning_effort === "string" && request.reasoning_effort !== "none",
    promptTokens: Math.ceil((characters + toolCharacters) / CHARACTERS_PER_TOKEN) + images * IMAGE_TOKENS + files + request.messages.length * 4,
    outputTokens: request.max_completion_tokens ?? request.max_tokens ?? TYPICAL_OUTPUT_TOKENS,
  };
}

/**
 * Hands `visit` every text of the messages the prompt estimate counts (message text and text parts,
 * a tool call's arguments and name), and `visitFile` every file part (file-tokens.ts), and returns
 * how many images they hold. The budget's reservation reads the same texts for what text outside
 * ASCII adds (budget/worst-case-cost.ts).
 */
export function visitPromptTexts(request: ChatRequest, visit: (text: string) => void, visitFile?: (part: Record<string, unknown>) => void): number {
  let images = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === "string") {
      visit(content);
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === "image_url" || part.type === "image") images++;
        else if (part.type === "file") visitFile?.(part);
        else if (typeof part.text === "string") visit(part.text);
      }
    }
    if (message.role === "assistant" && message.tool_calls) {
      for (const call of message.tool_calls) {
        visit(call.function.arguments);
        visit(call.function.name);
      }
    }
  }
  return images;
}

/**
 * The JSON length of a tool list (or the OpenAI tool extension), remembered per object: routing, the budget and the abort estimate
 * each ask for the needs of the same request, and an agent's tool schemas (tens of KB) took a
 * JSON.stringify each time. No stage changes a tool list in place; a new list is a new key.
 */
const toolListLengths = new WeakMap<object, number>();

function serialisedLength(tools: object | null | undefined): number {
  if (!tools) return 0;
  let length = toolListLengths.get(tools);
  if (length === undefined) {
    length = JSON.stringify(tools).length;
    toolListLengths.set(tools, length);
  }
  return length;
}
