/** @jsxImportSource hono/jsx */
import type { RecentFeedback } from "../../src/db/dashboard/routing-queries";
import type { Range } from "../../src/db/stats-window";
import { formatCount, formatDateTime, formatPercent } from "../components/format";
import { RangePicker, rangeLabel } from "../components/range-picker";
import { type AssetUrls, Layout } from "../layout";

/**
 * How routing decides and how it is doing: the classifier's thresholds, how often each tier was
 * chosen, success rates per model and task category against SUCCESS_THRESHOLD, and what users said.
 */
export interface SuccessRateView {
  category: string;
  modelKey: string;
  successes: number;
  total: number;
}

export interface RoutingPageProps {
  assets: AssetUrls;
  range: Range;
  thresholds: { standard: number; premium: number };
  successThreshold: number;
  successMinSamples: number;
  baselineModel: string | null;
  tierCounts: Array<{ tier: string; requests: number }>;
  successRates: SuccessRateView[];
  feedback: RecentFeedback[];
}

export function RoutingPage(props: RoutingPageProps) {
  return (
    <Layout title="Routing" section="routing" assets={props.assets}>
      <h1>Routing</h1>
      <div class="detail-grid">
        <section class="panel" aria-labelledby="routing-thresholds">
          <h2 id="routing-thresholds">How a tier is chosen</h2>
          <p>
            The classifier scores each <code>auto</code> request from 0 to 100: below <strong>{props.thresholds.standard}</strong> it goes to an economy model,
            from <strong>{props.thresholds.premium}</strong> up to a premium one, in between to standard.
          </p>
          <dl class="pairs">
            <dt>Standard threshold</dt>
            <dd>{props.thresholds.standard}</dd>
            <dt>Premium threshold</dt>
            <dd>{props.thresholds.premium}</dd>
            <dt>Success threshold</dt>
            <dd>
              {formatPercent(props.successThreshold, 1)} after {props.successMinSamples} samples
            </dd>
            <dt>Savings baseline</dt>
            <dd>{props.baselineModel ? <code>{props.baselineModel}</code> : "none"}</dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="routing-tiers" id="tier-counts">
          <div class="provider-head">
            <h2 id="routing-tiers">Tiers chosen</h2>
            <RangePicker current={props.range} path="/dashboard/routing" />
          </div>
          <p class="muted">{rangeLabel(props.range)}</p>
          {props.tierCounts.length === 0 ? <p class="muted">No requests in this range.</p> : <TierTable tierCounts={props.tierCounts} />}
        </section>
      </div>

      <section class="panel" aria-labelledby="routing-success">
        <h2 id="routing-success">Success rates by task category</h2>
        <p class="muted">
          Each answered task is a sample; feedback overrides its outcome. Below {formatPercent(props.successThreshold, 1)} with at least {props.successMinSamples} samples, the
          router skips the model for that category and escalates.
        </p>
        {props.successRates.length === 0 ? <p class="muted">No samples yet.</p> : <SuccessMatrix {...props} />}
      </section>

      <section class="panel" aria-labelledby="routing-feedback">
        <h2 id="routing-feedback">Recent feedback</h2>
        {props.feedback.length === 0 ? (
          <p class="muted">No ratings yet. In any chat, reply “/feedback good” or “/feedback bad why”.</p>
        ) : (
          <ul class="feedback-list">
            {props.feedback.map((entry) => (
              <li>
                <span class={`badge ${entry.rating > 0 ? "badge-ok" : "badge-failed"}`}>{entry.rating > 0 ? "good" : "bad"}</span>{" "}
                <a href={`/dashboard/requests/${entry.taskId}`}>{entry.provider ? `${entry.provider}:${entry.model}` : entry.taskId.slice(0, 8)}</a>
                {entry.category ? <span class="muted"> · {entry.category}</span> : null}
                {entry.comment ? <> — “{entry.comment}”</> : null}
                <span class="muted"> · {formatDateTime(entry.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}

/** Models down, task categories across; a cell is the model's success rate in that category. */
function SuccessMatrix(props: RoutingPageProps) {
  const categories = [...new Set(props.successRates.map((rate) => rate.category))].sort();
  const totals = new Map<string, number>();
  for (const rate of props.successRates) totals.set(rate.modelKey, (totals.get(rate.modelKey) ?? 0) + rate.total);
  const models = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)!);
  const cell = new Map(props.successRates.map((rate) => [`${rate.modelKey}|${rate.category}`, rate]));
  return (
    <>
      <p class="legend-line">
        <span class="rate-cell rate-used">used</span> <span class="rate-cell rate-low">skipped: under the threshold</span>{" "}
        <span class="rate-cell rate-learning">learning: fewer than {props.successMinSamples} samples</span>
      </p>
      <div class="table-scroll">
        <table id="success-rates" class="matrix">
          <thead>
            <tr>
              <th scope="col">Model</th>
              {categories.map((category) => (
                <th scope="col" class="number">
                  {category}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr>
                <th scope="row">
                  <code>{model}</code>
                </th>
                {categories.map((category) => {
                  const rate = cell.get(`${model}|${category}`);
                  if (!rate || rate.total === 0) return <td class="number muted">—</td>;
                  const counted = rate.total >= props.successMinSamples;
                  const kind = !counted ? "learning" : rate.successes / rate.total < props.successThreshold ? "low" : "used";
                  return (
                    <td class="number">
                      <span class={`rate-cell rate-${kind}`} title={`${formatCount(rate.successes)} of ${formatCount(rate.total)} succeeded`}>
                        {formatPercent(rate.successes, rate.total)}
                      </span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** How often each tier was chosen in the range, with its share. */
function TierTable(props: { tierCounts: RoutingPageProps["tierCounts"] }) {
  const tierTotal = props.tierCounts.reduce((sum, entry) => sum + entry.requests, 0);
  return (
    <table>
      <tbody>
        {props.tierCounts.map((entry) => (
          <tr>
            <th scope="row">{entry.tier === "none" ? "no tier" : entry.tier}</th>
            <td class="number">{formatCount(entry.requests)}</td>
            <td class="bar-cell">
              <meter min={0} max={Math.max(1, tierTotal)} value={entry.requests} aria-label={`${entry.tier} share`} />
            </td>
            <td class="number">{formatPercent(entry.requests, tierTotal)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
