import { afterAll, beforeAll, expect, test } from "bun:test";
import { settleBudgets } from "../../src/db/budget-queries";
import { insertRequestLogs } from "../../src/db/queries";
import { formatUsd } from "../../views/components/format";
import { clearBudgets } from "../helpers/clear-budgets";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The overview's "Spend today" card shows a figure and, under it, the global daily budget's share
 * ("0.2% of $0.50"). The figure was the spend since the server's local midnight, the share the
 * budget's spend since midnight in BUDGET_TIME_ZONE: with the two zones apart (a container on UTC,
 * a budget in New York) the card showed two different days as one. Both are now the budget's day.
 */
let proxy: TestProxy;
const taskId = crypto.randomUUID();

/** Start of the current day in a fixed-offset zone (Etc/GMT±N has no daylight saving). */
function midnightIn(zone: string, now: Date): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(now).map((part) => [part.type, Number(part.value)]));
  return now.getTime() - now.getMilliseconds() - ((parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)) * 1000;
}

const now = new Date();
const localMidnight = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
// Whichever zone's day starts furthest from the server's own (their midnights are 2 hours apart mod 24).
const zone = ["Etc/GMT-14", "Etc/GMT+12"]
  .map((name) => ({ name, start: midnightIn(name, now) }))
  .sort((a, b) => Math.abs(b.start - localMidnight) - Math.abs(a.start - localMidnight))[0]!;
// A request between the two midnights: today for one of them, yesterday for the other.
const at = new Date(Math.min(zone.start, localMidnight) + 60_000);

beforeAll(async () => {
  await clearBudgets();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-overview-spend-day-0000000", BUDGET_DAILY_USD: "10", BUDGET_TIME_ZONE: zone.name });
  // What the proxy records for a request it served then: its log row and its spend.
  await insertRequestLogs(proxy.proxy.database.db, [makeLogRow({ taskId, createdAt: at, costUsd: 0.25 })]);
  const spend = (scope: string) => ({ reservationId: null, leaseId: null, scope, amountUsd: 0.25, dayStart: null, monthStart: null, at });
  await settleBudgets(proxy.proxy.database.db, [spend("global"), spend("openai")], zone.name);
});

afterAll(async () => {
  await deleteLogRows(proxy.proxy.database.db, [taskId]);
  await proxy.close();
  await clearBudgets();
});

test("the spend-today figure and its share of the daily budget count the same day", async () => {
  expect(Math.abs(zone.start - localMidnight)).toBeGreaterThanOrEqual(3_600_000);
  const budgets = (await (await fetch(`${proxy.origin}/api/budgets`)).json()) as { budgets: Array<{ scope: string; period: string; spent_usd: number }> };
  const daily = budgets.budgets.find((budget) => budget.scope === "global" && budget.period === "daily")!;
  const html = await (await fetch(`${proxy.origin}/dashboard`)).text();
  const card = html.slice(html.indexOf('id="card-spend-today"'), html.indexOf('id="card-spend-month"'));
  const figure = /class="card-value"[^>]*>([^<]*)</.exec(card)?.[1];
  expect(figure).toBe(formatUsd(daily.spent_usd));
  expect(card).toContain(`of ${formatUsd(10)}`);
});
