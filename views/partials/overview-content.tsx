/** @jsxImportSource hono/jsx */
import type { OverviewStats } from "../../src/db/dashboard/overview-queries";
import type { Range } from "../../src/db/stats-window";
import { formatCount, formatDateTime, formatMs, formatPercent, formatTime, formatUsd } from "../components/format";
import { OverviewCharts } from "../components/overview-charts";
import { RangePicker, rangeLabel } from "../components/range-picker";
import { NotEnabled, StatCard } from "../components/stat-card";

/**
 * Everything on the overview below its heading; the range picker swaps it as one htmx fragment.
 * The response cache and compression show "not enabled" when they are off and the window holds
 * nothing of theirs; a budget line shows only where a global limit is set, and then the spend
 * figure above it is that budget's (the budgets page does the same).
 */
export interface BudgetUsage {
  limitUsd: number;
  spentUsd: number;
  resetsAt: Date;
}

export interface OverviewProps {
  range: Range;
  buckets: Date[];
  stepMs: number;
  generatedAt: Date;
  stats: OverviewStats;
  /** The model savings are measured against ("anthropic:claude-fable-5-1"). */
  baselineModel: string | null;
  cacheEnabled: boolean;
  compressionEnabled: boolean;
  budgets: { daily?: BudgetUsage; monthly?: BudgetUsage };
}

export function OverviewContent(props: OverviewProps) {
  const { totals } = props.stats;
  const saved = totals.savedUsd;
  const served = totals.succeeded + totals.failed;
  const successTone = served === 0 ? undefined : totals.succeeded / served >= 0.95 ? "good" : totals.succeeded / served >= 0.8 ? "warn" : "bad";
  const cacheShown = props.cacheEnabled || totals.cacheHits + totals.cacheMisses > 0;
  const compressionShown = props.compressionEnabled || totals.compressionTokensBefore > 0;
  const compressionRemoved = totals.compressionTokensBefore - totals.compressionTokensAfter;
  return (
    <div id="overview-content" class="stack" data-since={props.buckets[0]?.toISOString()} data-step-ms={props.stepMs}>
      <div class="toolbar">
        <p class="muted" aria-live="polite">
          {rangeLabel(props.range)} · as of {formatTime(props.generatedAt)}
        </p>
        <RangePicker current={props.range} path="/dashboard" target="#overview-content" />
      </div>

      <p class="summary" id="overview-summary">
        {totals.requests === 0 ? (
          <>No requests in the {rangeLabel(props.range)}. Point a coding tool at this proxy's /v1 URL and they will show up here.</>
        ) : (
          <>
            <strong>{formatCount(totals.requests)}</strong> requests cost <strong>{formatUsd(totals.costUsd)}</strong>
            {saved !== 0 ? (
              <>
                {" "}
                instead of {formatUsd(totals.withoutProxyUsd)} without the proxy: <strong>{formatUsd(saved)} saved</strong> ({formatPercent(saved, totals.withoutProxyUsd)})
              </>
            ) : null}
            .{" "}
            {totals.failed > 0 ? (
              <>
                {/* The list's time filter of the same name: a rolling window, at most one chart step longer than the range's. */}
                {/* Every 5xx and 429, the proxy's own refusals (a spent budget, an open circuit) among them: not all reached an upstream. */}
                <a href={`/dashboard/requests?status=failed&time=${props.range}`}>{formatCount(totals.failed)} failed (5xx, 429)</a>.
              </>
            ) : (
              <>None failed (5xx, 429).</>
            )}
          </>
        )}
      </p>

      <div class="cards">
        {/* With a global budget, its own spend: its day starts in BUDGET_TIME_ZONE, and the share under the figure is of that day. */}
        <StatCard label="Spend today" value={formatUsd(props.budgets?.daily?.spentUsd ?? props.stats.spendTodayUsd)} id="card-spend-today">
          <BudgetLine usage={props.budgets?.daily} period="daily" />
        </StatCard>
        <StatCard label="Spend this month" value={formatUsd(props.budgets?.monthly?.spentUsd ?? props.stats.spendMonthUsd)} id="card-spend-month">
          <BudgetLine usage={props.budgets?.monthly} period="monthly" />
        </StatCard>
        <StatCard label="Saved" value={<>{formatUsd(saved)} <small>{formatPercent(saved, totals.withoutProxyUsd)}</small></>} id="card-saved" tone={saved > 0 ? "good" : undefined}>
          <dl class="pairs">
            <dt title={props.baselineModel ? `against ${props.baselineModel}` : "no baseline model"}>Routing</dt>
            <dd id="saved-routing">{formatUsd(totals.routingSavedUsd)}</dd>
            <dt title="what a flat subscription paid for, at API list prices">Subscription</dt>
            <dd id="saved-subscription">{formatUsd(totals.subscriptionUsd)}</dd>
            <dt title="what the answers served from the response cache cost when they were made">Response cache</dt>
            <dd id="saved-cache">{cacheShown ? formatUsd(totals.cacheSavedUsd) : <NotEnabled />}</dd>
            <dt title="prompt tokens compression removed, at each model's input price">Compression</dt>
            <dd id="saved-compression">{compressionShown ? formatUsd(totals.compressionSavedUsd) : <NotEnabled />}</dd>
          </dl>
        </StatCard>
        <StatCard label="Requests" value={formatCount(totals.requests)} id="card-requests" tone={successTone}>
          <dl class="pairs">
            <dt>Success</dt>
            <dd>{formatPercent(totals.succeeded, served)}</dd>
            <dt title="5xx and 429 answers: an upstream's failures and the proxy's own refusals (a spent budget, an open circuit); the providers page counts each model's upstream failures">Failed (5xx, 429)</dt>
            <dd>{formatCount(totals.failed)}</dd>
            <dt title="calls a provider answered with an error (any status but 200, a 404 too); the proxy's own refusals and cache hits are not among them">Failed upstream</dt>
            <dd>{totals.upstreamFailed > 0 ? <a href={`/dashboard/requests?status=upstream&time=${props.range}`}>{formatCount(totals.upstreamFailed)}</a> : formatCount(totals.upstreamFailed)}</dd>
            <dt>Rejected / aborted</dt>
            <dd>{formatCount(totals.rejected)}</dd>
          </dl>
        </StatCard>
        <StatCard label="Tokens" value={formatCount(totals.tokensIn + totals.tokensOut)} id="card-tokens">
          <dl class="pairs">
            <dt>In</dt>
            <dd>{formatCount(totals.tokensIn)}</dd>
            <dt>Out</dt>
            <dd>{formatCount(totals.tokensOut)}</dd>
          </dl>
        </StatCard>
        <StatCard
          label="Response cache"
          value={cacheShown ? <>{totals.cacheHitRate === null ? "—" : formatPercent(totals.cacheHitRate, 1)} <small>hit rate</small></> : <NotEnabled />}
          id="card-cache"
        >
          <dl class="pairs">
            <dt>Hits / misses</dt>
            <dd id="cache-hits">
              {formatCount(totals.cacheHits)} / {formatCount(totals.cacheMisses)}
            </dd>
            <dt>Provider prompt cache</dt>
            <dd>{formatPercent(totals.cachedTokens, totals.tokensIn)} of input</dd>
            <dt title="prompt tokens lossless compression removed">Compressed away</dt>
            <dd id="compression-tokens">{compressionShown ? `${formatCount(compressionRemoved)} (${formatPercent(compressionRemoved, totals.compressionTokensBefore)})` : <NotEnabled />}</dd>
          </dl>
        </StatCard>
        <StatCard label="Latency p50 / p95" value={<>{formatMs(totals.latencyP50Ms)} <small>/ {formatMs(totals.latencyP95Ms)}</small></>} id="card-latency">
          <dl class="pairs">
            <dt>First token p50</dt>
            <dd>{formatMs(totals.ttftP50Ms)}</dd>
            <dt>First token p95</dt>
            <dd>{formatMs(totals.ttftP95Ms)}</dd>
          </dl>
        </StatCard>
        <StatCard label="Feedback" value={<>{formatCount(totals.feedbackGood)} good <small>/ {formatCount(totals.feedbackBad)} bad</small></>} id="card-feedback">
          <p class="muted">
            {totals.feedbackGood + totals.feedbackBad === 0 ? "No ratings yet: reply /feedback good or bad in any chat." : `${formatPercent(totals.feedbackGood, totals.feedbackGood + totals.feedbackBad)} positive`}
          </p>
        </StatCard>
      </div>

      <OverviewCharts {...props} />
    </div>
  );
}

function BudgetLine(props: { usage: BudgetUsage | undefined; period: "daily" | "monthly" }) {
  if (!props.usage) {
    return (
      <p class="muted">
        No {props.period} limit set · <a href="/dashboard/budgets">budgets</a>
      </p>
    );
  }
  const { limitUsd, spentUsd } = props.usage;
  return (
    <>
      <meter min={0} max={limitUsd} low={limitUsd * 0.8} high={limitUsd * 0.95} optimum={0} value={Math.min(spentUsd, limitUsd)}>
        {formatPercent(spentUsd, limitUsd)}
      </meter>
      <p class="muted">
        {formatPercent(spentUsd, limitUsd)} of {formatUsd(limitUsd)} · resets {formatDateTime(props.usage.resetsAt)}
      </p>
    </>
  );
}
