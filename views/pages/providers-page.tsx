/** @jsxImportSource hono/jsx */
import { formatCount, formatMs, formatPercent, formatUsd } from "../components/format";
import { type AssetUrls, Layout } from "../layout";
import { ProviderTestResult, type ProviderTestResultProps } from "../partials/provider-test-result";

/**
 * Each provider the proxy knows: whether it is active and how it is authenticated, its circuit
 * breakers, its last 24 hours (requests, error rate, mean latency), its models with tier and
 * prices, and a button that sends it a tiny request through the proxy's own pipeline.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface ModelView {
  model: string;
  tier: string;
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead?: number;
  /** No price known: counted as $0 and by no budget (a model the catalog does not list, a hosted custom model left unpriced). */
  unpriced?: boolean;
  /** Unknown for a model the catalog does not list (passed through as provider:model). */
  contextWindow: number | undefined;
  capabilities: string[];
  breaker: { state: BreakerState; consecutiveFailures: number; retryInMs: number; lastError: string | null } | undefined;
  /** Calls to the provider (cache hits apart), those that failed, their mean latency; the cache's hits. */
  usage: { requests: number; failed: number; meanLatencyMs: number | null; cacheHits: number } | undefined;
}

export interface ProviderView {
  id: string;
  name: string;
  /** `inactive`: configured but off, for the reason in `hint` (the Claude CLI not logged in). */
  status: "active" | "unreachable" | "inactive" | "not configured";
  credentials: string;
  /** How to turn it on, for providers that are not configured. */
  hint?: string;
  models: ModelView[];
}

export interface ProvidersPageProps {
  assets: AssetUrls;
  providers: ProviderView[];
  /** The result of a test the page was posted for (without JavaScript). */
  testResult?: ProviderTestResultProps;
}

export function ProvidersPage(props: ProvidersPageProps) {
  const active = props.providers.filter((provider) => provider.status === "active");
  const inactive = props.providers.filter((provider) => provider.status !== "active");
  return (
    <Layout title="Providers and models" section="providers" assets={props.assets}>
      <h1>Providers and models</h1>
      <p class="muted">
        Usage figures cover the last 24 hours. Requests, errors and mean latency count calls to the provider only; answers the response cache replayed
        are counted apart, as cache hits. An error is a call that did not end in a 200 (an upstream 404 or 400 too), unless the client left first.
        Prices are USD per million tokens.
      </p>
      <div class="stack">
        {active.map((provider) => (
          <ProviderSection provider={provider} testResult={props.testResult?.provider === provider.id ? props.testResult : undefined} />
        ))}
        {active.length === 0 ? <p class="panel">No provider is active, so every request fails. Configure one of those below.</p> : null}
        {inactive.length > 0 ? <InactiveProviders providers={inactive} /> : null}
      </div>
    </Layout>
  );
}

function ProviderSection(props: { provider: ProviderView; testResult?: ProviderTestResultProps }) {
  const { provider } = props;
  const requests = provider.models.reduce((sum, model) => sum + (model.usage?.requests ?? 0), 0);
  const failed = provider.models.reduce((sum, model) => sum + (model.usage?.failed ?? 0), 0);
  const cacheHits = provider.models.reduce((sum, model) => sum + (model.usage?.cacheHits ?? 0), 0);
  const open = provider.models.filter((model) => model.breaker && model.breaker.state !== "closed").length;
  const health = provider.status !== "active" ? provider.status : open === 0 ? "healthy" : open === provider.models.length ? "down" : "degraded";
  return (
    <section class="panel provider" id={`provider-${provider.id}`} aria-labelledby={`provider-title-${provider.id}`}>
      <div class="provider-head">
        <h2 id={`provider-title-${provider.id}`}>
          {provider.name} <code class="muted">{provider.id}</code>
        </h2>
        <span class={`badge badge-${health === "healthy" ? "ok" : health === "not configured" ? "neutral" : health === "degraded" ? "warn" : "failed"}`}>{health}</span>
      </div>
      <dl class="facts">
        <div>
          <dt>Credentials</dt>
          <dd>{provider.credentials}</dd>
        </div>
        {provider.status === "active" ? (
          <>
            <div>
              <dt>Requests</dt>
              <dd>{formatCount(requests)}</dd>
            </div>
            <div>
              <dt>Error rate</dt>
              <dd>{formatPercent(failed, requests)}</dd>
            </div>
            <div>
              <dt>Cache hits</dt>
              <dd>{formatCount(cacheHits)}</dd>
            </div>
            <div>
              <dt>Open circuits</dt>
              <dd>{open}</dd>
            </div>
          </>
        ) : null}
      </dl>
      {provider.hint ? <p class="muted">{provider.hint}</p> : null}
      {provider.models.length > 0 ? <ModelTable models={provider.models} /> : null}
      {provider.status === "active" && provider.models.length > 0 ? (
        <form class="test-form" method="post" action="/dashboard/providers/test" hx-post="/dashboard/providers/test" hx-target={`#test-result-${provider.id}`} hx-swap="innerHTML">
          <input type="hidden" name="provider" value={provider.id} />
          <label>
            <span>Model</span>
            <select name="model">
              {provider.models.map((model) => (
                <option value={model.model} selected={model.model === props.testResult?.model}>
                  {model.model}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Send a test request</button>
          <output id={`test-result-${provider.id}`} aria-live="polite">
            {props.testResult ? <ProviderTestResult {...props.testResult} /> : null}
          </output>
        </form>
      ) : null}
    </section>
  );
}

function InactiveProviders(props: { providers: ProviderView[] }) {
  return (
    <section class="panel" aria-labelledby="inactive-providers" id="inactive-providers-panel">
      <h2 id="inactive-providers">Not in use</h2>
      <ul class="inactive-list">
        {props.providers.map((provider) => (
          <li id={`provider-${provider.id}`}>
            <span>
              <strong>{provider.name}</strong> <code class="muted">{provider.id}</code>{" "}
              <span class={`badge ${provider.status === "unreachable" || provider.status === "inactive" ? "badge-failed" : "badge-neutral"}`}>{provider.status}</span>
            </span>
            <span class="muted">{provider.hint}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ModelTable(props: { models: ModelView[] }) {
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Tier</th>
            <th scope="col" class="number">
              In / out price
            </th>
            <th scope="col" class="number">
              Context
            </th>
            <th scope="col">Can</th>
            <th scope="col">Circuit</th>
            <th scope="col" class="number">
              Requests
            </th>
            <th scope="col" class="number">
              Errors
            </th>
            <th scope="col" class="number">
              Mean latency
            </th>
            <th scope="col" class="number">
              Cache hits
            </th>
          </tr>
        </thead>
        <tbody>
          {props.models.map((model) => (
            <tr>
              <td class="nowrap">
                <code>{model.model}</code>
              </td>
              <td>{model.tier}</td>
              <td class="number nowrap">
                {model.unpriced ? (
                  <span class="muted" title="Counted as $0 and by no budget: give it a price in CUSTOM_PROVIDERS or MODEL_CATALOG_FILE">
                    no price
                  </span>
                ) : (
                  `${formatUsd(model.input)} / ${formatUsd(model.output)}`
                )}
              </td>
              <td class="number">{model.contextWindow === undefined ? "—" : formatCount(model.contextWindow)}</td>
              <td class="muted">{model.capabilities.join(", ") || "text"}</td>
              <td>
                {model.breaker && model.breaker.state !== "closed" ? (
                  <span class="badge badge-failed" title={model.breaker.lastError ?? ""}>
                    {model.breaker.state}
                    {model.breaker.retryInMs > 0 ? `, retry in ${formatMs(model.breaker.retryInMs)}` : ""}
                  </span>
                ) : model.breaker ? (
                  <span class="badge badge-warn" title={model.breaker.lastError ?? ""}>
                    {model.breaker.consecutiveFailures} failure{model.breaker.consecutiveFailures === 1 ? "" : "s"}
                  </span>
                ) : (
                  <span class="badge badge-ok">closed</span>
                )}
              </td>
              <td class="number">{formatCount(model.usage?.requests ?? 0)}</td>
              <td class="number">{model.usage ? formatPercent(model.usage.failed, model.usage.requests) : "—"}</td>
              <td class="number">{formatMs(model.usage?.meanLatencyMs)}</td>
              <td class="number">{formatCount(model.usage?.cacheHits ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
