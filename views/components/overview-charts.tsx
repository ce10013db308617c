/** @jsxImportSource hono/jsx */
import type { OverviewProps } from "../partials/overview-content";
import { BarChart } from "./bar-chart";
import { labelEvery } from "./chart-scale";
import { formatBucket, formatBucketSpan, formatCount, formatMs, formatUsd, formatUsdShort } from "./format";
import { providerTone, tierTone } from "./tones";

/** What gets no tier: requests answered or refused before a route was chosen, and models the catalog does not list. */
const NO_TIER = "no tier (cache hits, /feedback replies, models not in the catalog, requests refused before routing)";

/** The overview's four charts: cost by provider, requests by tier, savings, latency distribution. */
const stepName = (stepMs: number) => (stepMs >= 86_400_000 ? "day" : stepMs > 3_600_000 ? `${stepMs / 3_600_000} hours` : "hour");

export function OverviewCharts(props: OverviewProps) {
  const { stats, buckets, stepMs } = props;
  const every = labelEvery(buckets.length, 6);
  const labels = buckets.map((start, index) => ((buckets.length - 1 - index) % every === 0 ? formatBucket(start, stepMs) : ""));
  const spans = buckets.map((start) => formatBucketSpan(start, stepMs));
  const per = stepName(stepMs);
  const histogram = stats.latencyHistogram;
  const cacheShown = props.cacheEnabled || stats.totals.cacheHits + stats.totals.cacheMisses > 0;
  const compressionShown = props.compressionEnabled || stats.totals.compressionTokensBefore > 0;
  return (
    <div class="charts">
      <BarChart
        id="chart-cost"
        title="Cost by provider"
        unit={`USD per ${per}`}
        labels={labels}
        spans={spans}
        series={stats.costByProvider.map((series) => ({ key: series.key, label: series.key, points: series.points, tone: providerTone(series.key) }))}
        formatValue={formatUsd}
        formatTick={formatUsdShort}
      />
      <BarChart
        id="chart-tiers"
        title="Requests by tier"
        unit={`requests per ${per}`}
        labels={labels}
        spans={spans}
        series={stats.requestsByTier.map((series) => ({ key: series.key, label: series.key === "none" ? NO_TIER : series.key, points: series.points, tone: tierTone(series.key) }))}
        formatValue={(value) => formatCount(value)}
        formatTick={(value) => formatCount(value)}
        wholeNumbers
      />
      <BarChart
        id="chart-savings"
        title="Savings"
        unit={`USD per ${per}${props.baselineModel ? `, routing vs ${props.baselineModel}` : ""}`}
        labels={labels}
        spans={spans}
        series={[
          { key: "routing", label: "routing", points: stats.routingSaved, tone: "saving-routing" },
          { key: "subscription", label: "subscription", points: stats.subscriptionCovered, tone: "saving-subscription" },
          { key: "cache", label: "response cache", points: cacheShown ? stats.cacheSaved : null, tone: "saving-cache" },
          { key: "compression", label: "compression", points: compressionShown ? stats.compressionSaved : null, tone: "saving-compression" },
        ]}
        formatValue={formatUsd}
        formatTick={formatUsdShort}
      />
      <BarChart
        id="chart-latency"
        title="Latency of successful requests"
        unit="requests per latency band (log scale)"
        labels={histogram.map((bar, index) => (index % Math.ceil(histogram.length / 8) === 0 ? formatMs(round2(bar.fromMs)) : ""))}
        labelAt="start"
        spans={histogram.map((bar) => `${formatMs(round2(bar.fromMs))}–${formatMs(round2(bar.toMs))}`)}
        series={[{ key: "requests", label: "requests", points: histogram.map((bar) => bar.count), tone: "latency" }]}
        formatValue={(value) => formatCount(value)}
        formatTick={(value) => formatCount(value)}
        wholeNumbers
        showTotals={false}
      />
    </div>
  );
}

/** Histogram bounds are powers of 10^(1/5); two significant digits read as 160 ms, 250 ms, 400 ms, 630 ms, 1 s. */
const round2 = (value: number) => Number(value.toPrecision(2));
