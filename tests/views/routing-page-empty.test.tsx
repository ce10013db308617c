/** @jsxImportSource hono/jsx */
import { expect, test } from "bun:test";
import { RoutingPage, type RoutingPageProps } from "../../views/pages/routing-page";

/**
 * A new proxy's Routing page: every panel says it has nothing yet. "Tiers chosen" showed its range
 * and then an empty table, a blank panel beside the thresholds.
 */
const props: RoutingPageProps = {
  assets: { htmx: "/static/htmx.js", styles: "/static/dashboard.css", favicon: "/static/favicon.svg" },
  range: "24h",
  thresholds: { standard: 22, premium: 81 },
  successThreshold: 0.8,
  successMinSamples: 10,
  baselineModel: null,
  tierCounts: [],
  successRates: [],
  feedback: [],
};

const tiersPanel = (html: string) => html.slice(html.indexOf('id="tier-counts"'), html.indexOf('aria-labelledby="routing-success"'));

test("no requests in the range: the tiers panel says so instead of an empty table", () => {
  const panel = tiersPanel(String(<RoutingPage {...props} />));
  expect(panel).toContain("No requests in this range");
  expect(panel).not.toContain("<table");
});

test("with requests, the table of tiers is shown", () => {
  const panel = tiersPanel(String(<RoutingPage {...props} tierCounts={[{ tier: "economy", requests: 3 }]} />));
  expect(panel).toContain("<table");
  expect(panel).not.toContain("No requests in this range");
});
