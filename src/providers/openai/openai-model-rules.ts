import { type ModelWireRules, findWireRules } from "../openai-compatible/model-wire-rules";

/**
 * What each current OpenAI model accepts on Chat Completions (the API this proxy calls). The first
 * row whose pattern matches wins; a model no row names (a user's catalog addition) keeps the old
 * rule: sampling parameters dropped when the catalog marks it as reasoning.
 *
 * Sources, checked 2026-11-25 (OpenAI's own pages first):
 * - GPT-6.2 Astra / Sol: developers.openai.com/api/docs/models/gpt-6.2-sol ("The API rejects
 *   requests that set reasoning effort to none"); the Using GPT-6.2 guide (latest-model/gpt-6.2-astra)
 *   as summarised by dev.to/aihubmix (18 Nov): none rejected, tool calling requires the Responses
 *   API, temperature / top_p / logprobs omitted. Efforts low…max as GPT-6 Astra (deployment
 *   checklist); no default published.
 * - GPT-6.1 Terra: developers.openai.com/api/docs/models/gpt-6.1-terra: effort none, low, medium
 *   (default), high, xhigh, max; "Tool calling requires the Responses API" (unlike Luna's page, no
 *   exception for effort none, so no tools here).
 * - GPT-6 Luna: developers.openai.com/ja-JP/api/docs/models/gpt-6-luna: effort none…max, medium
 *   default; on Chat Completions function calling only with reasoning_effort none. Same rule in the
 *   deployment checklist (api/docs/guides/deployment-checklist), which also says: with an effort
 *   other than none, remove temperature, top_p, top_logprobs and logprobs. LiteLLM PR #34569 shows
 *   that leaving the effort out is a 400 too (the default is not none), so "none" is set.
 * - GPT-5.5, GPT-5.4 mini: OpenAI's 400 "Function tools with reasoning_effort are not supported for
 *   gpt-5.5 / gpt-5.4-mini in /v1/chat/completions" (charmbracelet/crush#2913, bug-ops/zeph#5789;
 *   "…or set reasoning_effort to 'none'" for gpt-5.4-nano in screenpipe/screenpipe#6863). Tools
 *   without an effort work (fazer-ai/agents#66), as the default is none: nothing to add. Efforts
 *   none…xhigh (the 400 for gpt-5.6 lists them; max arrived with 5.6, anomalyco/opencode#36141);
 *   temperature / top_p only with effort none (latest-model#gpt-54-parameter-compatibility, cited
 *   in tmc/langchaingo#1497).
 * - GPT-5 mini: reasoning guide / SDK docs: models before gpt-5.1 default to medium and do not take
 *   none; minimal, low, medium, high; no sampling parameters.
 * - GPT-4o: not a reasoning model (`reasoning_effort` is for reasoning models, openai SDK docs).
 * - `max_tokens` is deprecated and not taken by reasoning models (openai SDK 7.57 docs): the OpenAI
 *   provider always sends `max_completion_tokens`, which every row accepts.
 * - GPT-6.2 and GPT-6.1 Terra take tools on the Responses API: a request of theirs with function
 *   tools goes there (`toolsOnResponsesApi`), with the same effort and sampling rules.
 */
const gpt6Efforts = ["none", "low", "medium", "high", "xhigh", "max"] as const;
const gpt55Efforts = ["none", "low", "medium", "high", "xhigh"] as const;

export const openaiModelRows: readonly ModelWireRules[] = [
  { family: "GPT-6.2", pattern: /^gpt-6\.2-(?:astra|sol)\b/, efforts: ["low", "medium", "high", "xhigh", "max"], defaultEffort: null, functionTools: "never", sampling: "never", toolsOnResponsesApi: true },
  { family: "GPT-6.1 Terra", pattern: /^gpt-6\.1-terra\b/, efforts: gpt6Efforts, defaultEffort: "medium", functionTools: "never", sampling: "effort-none", toolsOnResponsesApi: true },
  { family: "GPT-6 Luna", pattern: /^gpt-6-luna\b/, efforts: gpt6Efforts, defaultEffort: "medium", functionTools: "effort-none", sampling: "effort-none" },
  { family: "GPT-5.5", pattern: /^gpt-5\.5(?:-\d{4}-\d{2}-\d{2})?$/, efforts: gpt55Efforts, defaultEffort: "none", functionTools: "effort-none", sampling: "effort-none" },
  { family: "GPT-5.4 mini", pattern: /^gpt-5\.4-mini(?:-\d{4}-\d{2}-\d{2})?$/, efforts: gpt55Efforts, defaultEffort: "none", functionTools: "effort-none", sampling: "effort-none" },
  { family: "GPT-5 mini", pattern: /^gpt-5-mini(?:-\d{4}-\d{2}-\d{2})?$/, efforts: ["minimal", "low", "medium", "high"], defaultEffort: "medium", functionTools: "always", sampling: "never" },
  { family: "GPT-4o", pattern: /^gpt-4o(?:-mini)?(?:-\d{4}-\d{2}-\d{2})?$/, efforts: null, defaultEffort: null, functionTools: "always", sampling: "always" },
];

export function openaiModelRules(model: string): ModelWireRules | undefined {
  return findWireRules(openaiModelRows, model);
}
