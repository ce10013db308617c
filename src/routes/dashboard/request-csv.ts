import type { Database } from "../../db/client";
import type { InputPrice } from "../../db/dashboard/overview-queries";
import { type RequestFilter, eachRequest } from "../../db/dashboard/requests-queries";
import { driverMessage } from "../../db/driver-message";
import type { Logger } from "../../logger";
import { requestSavedUsd } from "./request-saving";

/**
 * The filtered request log as CSV, streamed a page at a time so an export of a million rows never
 * sits in memory. Cells that a spreadsheet would run as a formula are prefixed with a quote.
 */
const columns = [
  "task_id", "created_at", "door", "user_agent", "requested_model", "provider", "model", "tier", "category", "score", "status", "error_type",
  "stream", "tokens_in", "tokens_out", "cached_tokens", "cache_write_tokens", "cost_usd", "baseline_model", "baseline_cost_usd", "saved_usd",
  "latency_ms", "ttft_ms", "fallbacks", "route_reason",
] as const;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A query that fails part-way errors the stream, so the server cuts the response (no final chunk)
 * and the download fails, instead of a short file that looks complete; the cause is logged.
 */
export function requestCsvStream(db: Database, filter: RequestFilter, logger: Logger, inputPrice: InputPrice): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = eachRequest(db, filter);
  let headerSent = false;
  let read = 0;
  return new ReadableStream({
    async pull(controller) {
      try {
        await sendRows(controller);
      } catch (error) {
        logger.error("dashboard CSV export failed part-way; the download was cut so that it cannot pass for a complete file", { rowsRead: read, error: driverMessage(error) });
        // Drizzle's error repeats the query's parameters: Bun prints what the stream failed with, so it gets none of them.
        controller.error(new Error("the CSV export's database query failed; see the proxy's log"));
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });

  async function sendRows(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (!headerSent) {
      headerSent = true;
      controller.enqueue(encoder.encode(`${columns.join(",")}\r\n`));
    }
    let chunk = "";
    for (let count = 0; count < 500; count++) {
      const next = await rows.next();
      if (next.done) {
        if (chunk) controller.enqueue(encoder.encode(chunk));
        controller.close();
        return;
      }
      const row = next.value;
      const cells: Record<(typeof columns)[number], unknown> = {
        task_id: row.taskId, created_at: row.createdAt, door: row.door, user_agent: row.userAgent, requested_model: row.requestedModel,
        provider: row.provider, model: row.model, tier: row.tier, category: row.category, score: row.score, status: row.status,
        error_type: row.errorType, stream: row.stream, tokens_in: row.tokensIn, tokens_out: row.tokensOut, cached_tokens: row.cachedTokens,
        cache_write_tokens: row.cacheWriteTokens, cost_usd: row.costUsd, baseline_model: row.baselineModel, baseline_cost_usd: row.baselineCostUsd,
        saved_usd: requestSavedUsd(row, inputPrice), latency_ms: row.latencyMs, ttft_ms: row.ttftMs,
        fallbacks: row.fallbacks, route_reason: row.routeReason,
      };
      chunk += `${columns.map((column) => csvCell(cells[column])).join(",")}\r\n`;
      read++;
    }
    controller.enqueue(encoder.encode(chunk));
  }
}
