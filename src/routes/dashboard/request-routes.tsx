/** @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import { findRequestLog, listFeedbackForTask } from "../../db/queries";
import { listRequests, loadFilterOptions } from "../../db/dashboard/requests-queries";
import { MessagePage } from "../../../views/pages/message-page";
import { RequestDetailPage } from "../../../views/pages/request-detail-page";
import { RequestsPage } from "../../../views/pages/requests-page";
import { RequestCount, RequestList } from "../../../views/partials/request-list";
import { RequestRows } from "../../../views/partials/request-rows";
import type { DashboardContext } from "./deps";
import { compressionSavedUsd, inputPriceOf } from "./input-price";
import { renderHtml } from "./render";
import { requestCsvStream } from "./request-csv";
import { withSaving } from "./request-saving";
import { parseRequestQuery } from "./request-filter-query";

/**
 * The request log pages: the filtered list (a partial for htmx), its live rows, the CSV export of
 * the same filter, and one request's detail.
 */
export const PAGE_SIZE = 50;
const POLL_SECONDS = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function addRequestRoutes(app: Hono, deps: DashboardContext): void {
  const badFilter = (c: Context, problems: string[]) =>
    renderHtml(c, { page: () => <MessagePage assets={deps.assets} section="requests" title="Bad filter" message="These filter values cannot be used:" problems={problems} /> }, 400);

  app.get("/dashboard/requests", async (c) => {
    const parsed = parseRequestQuery(c.req.query());
    if (!parsed.ok) return badFilter(c, parsed.problems);
    const { filter, values, before } = parsed.query;
    const page = await listRequests(deps.db, filter, { limit: PAGE_SIZE, before });
    const options = await loadFilterOptions(deps.db);
    const props = { values, options, rows: withSaving(page.rows, inputPriceOf(deps.pipeline)), next: page.next, paged: before !== undefined, renderedAt: Date.now(), pollSeconds: POLL_SECONDS };
    return renderHtml(c, { page: () => <RequestsPage {...props} assets={deps.assets} />, partial: () => <RequestList {...props} /> });
  });

  // The live view's poll: the first page's rows again, new ones marked.
  app.get("/dashboard/requests/rows", async (c) => {
    const parsed = parseRequestQuery(c.req.query());
    if (!parsed.ok) return c.text(parsed.problems.join("\n"), 400);
    const page = await listRequests(deps.db, parsed.query.filter, { limit: PAGE_SIZE });
    const fresh = Number(c.req.query("fresh"));
    const rows = String(<RequestRows rows={withSaving(page.rows, inputPriceOf(deps.pipeline))} now={new Date()} freshSince={Number.isFinite(fresh) ? fresh : undefined} />);
    // An htmx partial (a <template>, so it may follow table rows) updates the count above the table.
    const count = `<hx-partial hx-target="#request-count" hx-swap="innerHTML">${String(<RequestCount count={page.rows.length} paged={false} />)}</hx-partial>`;
    return c.html(rows + count, 200, { "cache-control": "no-store" });
  });

  app.get("/dashboard/requests.csv", (c) => {
    const parsed = parseRequestQuery(c.req.query());
    if (!parsed.ok) return c.text(parsed.problems.join("\n"), 400);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
    return new Response(requestCsvStream(deps.db, parsed.query.filter, deps.pipeline.logger, inputPriceOf(deps.pipeline)), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="requests-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  });

  app.get("/dashboard/requests/:taskId", async (c) => {
    const taskId = c.req.param("taskId");
    const row = UUID.test(taskId) ? await findRequestLog(deps.db, taskId) : undefined;
    if (!row) {
      return renderHtml(c, { page: () => <MessagePage assets={deps.assets} section="requests" title="Request not found" message={`No logged request has the task id ${taskId}.`} /> }, 404);
    }
    const feedback = await listFeedbackForTask(deps.db, taskId);
    const price = row.provider && row.model ? inputPriceOf(deps.pipeline)(row.provider, row.model) : undefined;
    const cache = row.cacheStatus ? { status: row.cacheStatus, savedUsd: row.cacheSavedUsd } : undefined;
    const compression =
      row.compressionTokensBefore !== null && row.compressionTokensAfter !== null
        ? { tokensBefore: row.compressionTokensBefore, tokensAfter: row.compressionTokensAfter, savedUsd: compressionSavedUsd(price, row.compressionTokensBefore, row.compressionTokensAfter) }
        : undefined;
    return renderHtml(c, { page: () => <RequestDetailPage assets={deps.assets} row={row} feedback={feedback} cache={cache} compression={compression} /> });
  });
}
