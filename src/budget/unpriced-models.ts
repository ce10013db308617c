/**
 * Models without a price (a `provider:model` the catalog does not list, on a provider billed per
 * token) that served requests while a budget covered them. Their cost is unknown, so it is
 * recorded as $0 and no budget checks or counts it: no price is invented. This keeps what went
 * uncounted visible instead: a warning the first time each model is used (the caller logs it) and
 * a count per model for GET /api/budgets and the dashboard. Per process, since it started.
 */
export const UNPRICED_NOTE =
  "Requests to models without a price are recorded as $0 and not counted against any budget. Price a model in MODEL_CATALOG_FILE " +
  '(a JSON array of entries such as {"provider":"openai","model":"ft-my-model","tier":"standard","input":2.5,"output":10,"contextWindow":128000}, USD per million tokens) to count it.';

/** Distinct models kept: a client sending endless made-up names must not grow this without end. */
const MAX_MODELS = 100;

export class UnpricedModels {
  private readonly requests = new Map<string, number>();
  private others = 0;

  /** Counts a request served by `model` (already redacted); true on its first. */
  record(model: string): boolean {
    const seen = this.requests.get(model);
    if (seen !== undefined) {
      this.requests.set(model, seen + 1);
      return false;
    }
    if (this.requests.size >= MAX_MODELS) {
      this.others++;
      return false;
    }
    this.requests.set(model, 1);
    return true;
  }

  /** Each model and its requests, most first; requests of models past the first 100 are `otherRequests`. */
  list(): { models: Array<{ model: string; requests: number }>; otherRequests: number } {
    const models = [...this.requests].map(([model, requests]) => ({ model, requests })).sort((a, b) => b.requests - a.requests);
    return { models, otherRequests: this.others };
  }
}
