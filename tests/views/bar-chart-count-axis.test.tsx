/** @jsxImportSource hono/jsx */
import { expect, test } from "bun:test";
import { BarChart } from "../../views/components/bar-chart";
import { formatCount } from "../../views/components/format";

/**
 * A chart of counts (requests per hour, per latency band) has whole-number ticks. Its axis used
 * the money charts' steps (0.25, 0.5, 2.5), which a count's format rounds: an empty chart read
 * 0, 0, 1, 1, 1 and a chart of 2 requests 0, 1, 1, 2, 2, on a new user's first page.
 */
/** The value axis's labels, lowest first. */
function axisLabels(points: number[]): string[] {
  const html = String(
    <BarChart
      id="chart-test"
      title="Requests"
      unit="requests per hour"
      labels={points.map(() => "")}
      spans={points.map(() => "")}
      series={[{ key: "requests", label: "requests", points, tone: "latency" }]}
      formatValue={formatCount}
      formatTick={formatCount}
      wholeNumbers
    />,
  );
  const axis = html.slice(html.indexOf('class="chart-axis-y"'), html.indexOf("</svg>"));
  return [...axis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

test("an empty count chart and small counts have no repeated tick labels", () => {
  for (const points of [[0, 0, 0], [1, 0, 2], [0, 3], [5, 1], [7], [10], [13]]) {
    const labels = axisLabels(points);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.every((label) => /^\d+$/.test(label))).toBe(true);
    expect(Number(labels.at(-1))).toBeGreaterThanOrEqual(Math.max(...points));
  }
  expect(axisLabels([0, 0])).toEqual(["0", "1"]);
});

test("large counts keep the usual round steps", () => {
  expect(axisLabels([1432])).toEqual(["0", "500", "1,000", "1,500"]);
});
