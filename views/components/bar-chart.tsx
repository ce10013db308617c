/** @jsxImportSource hono/jsx */
import { niceScale } from "./chart-scale";

/**
 * A stacked bar chart drawn as server-side SVG. The value axis, plot and bucket axis are three SVGs
 * in a CSS grid: the plot stretches to any width (x in percent, y in pixels), so text keeps its
 * size from 390 px phones to wide screens. Every bar segment has a hover title and its value in
 * `data-value`; a data table under the chart gives the same numbers to keyboards, screen readers
 * and pages read without CSS. Negative values (a bucket where routing cost more than the baseline)
 * are drawn as zero and shown as they are in the titles and the table.
 */
export interface ChartSeries {
  key: string;
  label: string;
  /** One value per bucket; null when the feature behind the series is not enabled. */
  points: number[] | null;
  /** Colour class suffix (tone-1 … tone-8, tone-economy …), defined in dashboard.css. */
  tone: string;
}

export interface BarChartProps {
  id: string;
  title: string;
  /** What the values are, e.g. "USD per hour". */
  unit: string;
  /** Axis label per bucket; "" leaves a bucket unlabelled. */
  labels: string[];
  /** Full description per bucket, for hover titles and the data table. */
  spans: string[];
  series: ChartSeries[];
  formatValue: (value: number) => string;
  formatTick: (value: number) => string;
  /** Legend totals (sums make no sense for some series, e.g. a distribution's buckets). */
  showTotals?: boolean;
  /** The values are counts: whole-number ticks only (chart-scale.ts). */
  wholeNumbers?: boolean;
  /** Where a bucket's label sits: under its middle (time buckets) or at its left edge (histogram bounds). */
  labelAt?: "center" | "start";
}

const PLOT_HEIGHT = 180;
const TOP_PADDING = 8;
const AXIS_WIDTH = 56;

export function BarChart(props: BarChartProps) {
  const drawn = props.series.filter((series): series is ChartSeries & { points: number[] } => series.points !== null);
  const count = props.labels.length;
  const stackTops = props.labels.map((_, bucket) => drawn.reduce((sum, series) => sum + Math.max(0, series.points[bucket] ?? 0), 0));
  const scale = niceScale(Math.max(0, ...stackTops), 4, { wholeNumbers: props.wholeNumbers });
  const usable = PLOT_HEIGHT - TOP_PADDING;
  const y = (value: number) => PLOT_HEIGHT - (value / scale.max) * usable;
  const slot = 100 / Math.max(1, count);
  const gap = count > 40 ? 0.08 : 0.18;
  const empty = stackTops.every((top) => top === 0);
  const totals = props.series.map((series) => (series.points ? series.points.reduce((sum, value) => sum + value, 0) : null));

  return (
    <figure class="chart" id={props.id} data-chart={props.id}>
      <figcaption>
        <span class="chart-title">{props.title}</span>
        <span class="chart-unit">{props.unit}</span>
      </figcaption>
      <div class="chart-frame">
        <svg class="chart-axis-y" width={AXIS_WIDTH} height={PLOT_HEIGHT + 6} aria-hidden="true">
          {scale.ticks.map((tick) => (
            <text x={AXIS_WIDTH - 6} y={y(tick) + 4} text-anchor="end">
              {props.formatTick(tick)}
            </text>
          ))}
        </svg>
        <svg class="chart-plot" width="100%" height={PLOT_HEIGHT + 6} role="img" aria-label={`${props.title}, ${props.unit}${empty ? ": no data in this range" : ""}`}>
          {scale.ticks.map((tick) => (
            <line class={tick === 0 ? "chart-baseline" : "chart-grid"} x1="0" x2="100%" y1={y(tick)} y2={y(tick)} />
          ))}
          {props.labels.map((_, bucket) => {
            let top = PLOT_HEIGHT;
            return drawn.map((series) => {
              const value = series.points[bucket] ?? 0;
              if (value <= 0) return null;
              const height = Math.max(1, (value / scale.max) * usable);
              top -= height;
              return (
                <rect
                  class={`bar tone-${series.tone}`}
                  x={`${(bucket + gap) * slot}%`}
                  width={`${(1 - 2 * gap) * slot}%`}
                  y={top}
                  height={height}
                  data-series={series.key}
                  data-bucket={bucket}
                  data-value={value}
                >
                  <title>{`${props.spans[bucket]} · ${series.label}: ${props.formatValue(value)}`}</title>
                </rect>
              );
            });
          })}
          {empty ? (
            <text class="chart-empty" x="50%" y={PLOT_HEIGHT / 2} text-anchor="middle">
              No data in this range
            </text>
          ) : null}
        </svg>
        <span />
        <svg class="chart-axis-x" width="100%" height="22" aria-hidden="true">
          {props.labels.map((label, bucket) =>
            label ? (
              <text x={`${(bucket + (props.labelAt === "start" ? 0 : 0.5)) * slot}%`} y="15" text-anchor="middle">
                {label}
              </text>
            ) : null,
          )}
        </svg>
      </div>
      <ul class="legend">
        {props.series.map((series, index) => (
          <li>
            <span class={`swatch tone-${series.tone}`} aria-hidden="true" />
            {series.label}
            {series.points === null ? <span class="muted"> — not enabled</span> : props.showTotals === false ? null : <span class="muted"> {props.formatValue(totals[index]!)}</span>}
          </li>
        ))}
      </ul>
      <details class="chart-data">
        <summary>Data table</summary>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Period</th>
                {drawn.map((series) => (
                  <th scope="col">{series.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.labels.map((_, bucket) => (
                <tr>
                  <th scope="row">{props.spans[bucket]}</th>
                  {drawn.map((series) => (
                    <td class="number">{props.formatValue(series.points[bucket] ?? 0)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
