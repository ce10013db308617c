import { TIERS } from "../../catalog/catalog-entry";
import { ProxyError } from "../../errors";
import { AUTO_MODEL, type ModelDirectory } from "../../routing/model-directory";

/**
 * The model list in Anthropic's shape (`GET /v1/models`, `GET /v1/models/{id}`), for clients
 * that speak the Messages API: every model of the active providers, then aliases, the tiers and
 * `auto`, each as `{type: "model", id, display_name, created_at}`; paged with `limit` (default
 * 20, as Anthropic's), `after_id` and `before_id`, answered with `has_more`, `first_id`, `last_id`.
 */
export interface AnthropicModelInfo {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

export interface ModelPage {
  data: AnthropicModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export function anthropicModels(directory: ModelDirectory, createdAt: string): AnthropicModelInfo[] {
  const entry = (id: string, display_name: string): AnthropicModelInfo => ({ type: "model", id, display_name, created_at: createdAt });
  const models = directory.all().map((candidate) => entry(directory.publicName(candidate), `${candidate.model} (${candidate.provider.displayName})`));
  const taken = new Set(models.map((model) => model.id));
  const aliases = [...directory.aliases().keys()].filter((alias) => !taken.has(alias)).map((alias) => entry(alias, `${alias} (alias)`));
  const routed = [...TIERS, AUTO_MODEL].map((id) => entry(id, id === AUTO_MODEL ? "auto (the proxy picks the cheapest able model)" : `${id} (the cheapest active ${id} model)`));
  return [...models, ...aliases, ...routed];
}

export function modelPage(models: AnthropicModelInfo[], query: { limit?: string; after_id?: string; before_id?: string }): ModelPage {
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ProxyError(400, `limit must be an integer from 1 to ${MAX_LIMIT}.`, { type: "invalid_request_error", param: "limit" });
  }
  const position = (id: string) => {
    const index = models.findIndex((model) => model.id === id);
    if (index < 0) throw new ProxyError(400, `No model '${id}' to page from.`, { type: "invalid_request_error" });
    return index;
  };
  let data: AnthropicModelInfo[];
  let hasMore: boolean;
  if (query.before_id !== undefined) {
    const end = position(query.before_id);
    const startAt = Math.max(0, end - limit);
    data = models.slice(startAt, end);
    hasMore = startAt > 0;
  } else {
    const startAt = query.after_id !== undefined ? position(query.after_id) + 1 : 0;
    data = models.slice(startAt, startAt + limit);
    hasMore = startAt + limit < models.length;
  }
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** The request is from an Anthropic client: its SDK always sends these headers, OpenAI's never. */
export function isAnthropicClient(headers: Headers): boolean {
  return headers.has("anthropic-version") || headers.has("x-api-key");
}
