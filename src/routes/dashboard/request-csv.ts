import type { Database } from "../../db/client";
import { type RequestFilter, eachRequest } from "../../db/dashboard/requests-queries";

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

export function requestCsvStream(db: Database, filter: RequestFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rows = eachRequest(db, filter);
  let headerSent = false;
  return new ReadableStream({
    async pull(controller) {
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
          saved_usd: row.baselineCostUsd === null ? null : row.baselineCostUsd - row.costUsd, latency_ms: row.latencyMs, ttft_ms: row.ttftMs,
          fallbacks: row.fallbacks, route_reason: row.routeReason,
        };
        chunk += `${columns.map((column) => csvCell(cells[column])).join(",")}\r\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
