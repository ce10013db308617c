import { type SQL, and, desc, eq, gte, like, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { rowsOf } from "../rows-of";
import { requestLog, requestRollup } from "../schema";

/**
 * The request log as the dashboard lists it: filtered, newest first, one page at a time. Pages are
 * cut by a cursor (created_at, task_id) rather than an offset, so page 500 of a million rows costs
 * what page 1 costs; it walks request_log_created_at_idx.
 */
export const STATUS_CLASSES = ["ok", "failed", "rejected", "upstream"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export interface RequestFilter {
  provider?: string;
  model?: string;
  tier?: string;
  /**
   * A class (ok = 200; failed = 5xx or 429; rejected = other 4xx and client aborts; upstream = a
   * provider's error answers, as the overview's "Failed upstream" counts them) or one status code.
   */
  status?: StatusClass | number;
  /** The client's User-Agent, exactly. */
  client?: string;
  door?: string;
  since?: Date;
  until?: Date;
}

export interface Cursor {
  createdAt: Date;
  taskId: string;
}

export type RequestLogEntry = typeof requestLog.$inferSelect;

/** Where a page ends, as the `before` parameter of the next one: "<epoch ms>_<task id>". */
export function encodeCursor(row: Pick<RequestLogEntry, "createdAt" | "taskId">): string {
  return `${row.createdAt.getTime()}_${row.taskId}`;
}

export function decodeCursor(value: string | undefined | null): Cursor | undefined {
  const match = /^(\d{1,15})_([0-9a-f-]{36})$/i.exec(value ?? "");
  return match ? { createdAt: new Date(Number(match[1])), taskId: match[2]! } : undefined;
}

function statusCondition(status: StatusClass | number): SQL {
  if (typeof status === "number") return eq(requestLog.status, status);
  if (status === "ok") return eq(requestLog.status, 200);
  if (status === "failed") return or(gte(requestLog.status, 500), eq(requestLog.status, 429))!;
  if (status === "upstream") return upstreamFailedCondition;
  return sql`${requestLog.status} <> 200 and ${requestLog.status} < 500 and ${requestLog.status} <> 429`;
}

/**
 * The rows request_rollup.upstream_failed counts (migration 0012) in a provider's rollup row, as the
 * overview sums them: any status but 200, the client's leaving and the proxy's shutdown left out, the
 * response cache's hits too; and a provider, not the proxy's own replies ("proxy") or refusals (none).
 */
const upstreamFailedCondition = sql`${requestLog.status} <> 200 and ${requestLog.status} <> 499
  and ${requestLog.cacheStatus} is distinct from 'hit'
  and ${requestLog.errorType} is distinct from 'client_closed' and ${requestLog.errorType} is distinct from 'shutting_down'
  and ${requestLog.provider} <> '' and ${requestLog.provider} <> 'proxy'`;

/** `text` as a LIKE pattern that matches only itself: its wildcards and backslashes escaped (PostgreSQL's default escape is `\`). */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (character) => `\\${character}`);

export function filterCondition(filter: RequestFilter): SQL | undefined {
  const conditions: Array<SQL | undefined> = [
    filter.provider ? eq(requestLog.provider, filter.provider) : undefined,
    filter.model ? eq(requestLog.model, filter.model) : undefined,
    filter.tier ? eq(requestLog.tier, filter.tier) : undefined,
    filter.status !== undefined ? statusCondition(filter.status) : undefined,
    // A User-Agent or its beginning: "claude-cli" finds every Claude Code version.
    filter.client ? like(requestLog.userAgent, `${likeLiteral(filter.client)}%`) : undefined,
    filter.door ? eq(requestLog.door, filter.door) : undefined,
    filter.since ? gte(requestLog.createdAt, filter.since) : undefined,
    filter.until ? lte(requestLog.createdAt, filter.until) : undefined,
  ];
  return and(...conditions.filter((condition) => condition !== undefined));
}

/** Rows strictly older than the cursor, in the list's order (created_at, then task id, descending). */
function olderThan(cursor: Cursor): SQL {
  return and(
    lte(requestLog.createdAt, cursor.createdAt),
    or(lt(requestLog.createdAt, cursor.createdAt), lt(requestLog.taskId, cursor.taskId)),
  )!;
}

export interface RequestPage {
  rows: RequestLogEntry[];
  /** Cursor of the next (older) page, when there is one. */
  next: string | undefined;
}

export async function listRequests(db: Database, filter: RequestFilter, options: { limit: number; before?: Cursor }): Promise<RequestPage> {
  const rows = await db
    .select()
    .from(requestLog)
    .where(and(filterCondition(filter), options.before ? olderThan(options.before) : undefined))
    .orderBy(desc(requestLog.createdAt), desc(requestLog.taskId))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return { rows: page, next: rows.length > options.limit ? encodeCursor(page[page.length - 1]!) : undefined };
}

/** Every matching row, oldest pages last, fetched a page at a time (for the CSV export). */
export async function* eachRequest(db: Database, filter: RequestFilter, pageSize = 2000): AsyncGenerator<RequestLogEntry> {
  let before: Cursor | undefined;
  for (;;) {
    const page = await listRequests(db, filter, { limit: pageSize, before });
    yield* page.rows;
    before = decodeCursor(page.next);
    if (!before) return;
  }
}

/**
 * Values the filters offer: providers, models and tiers from the rollup (cheap at any size), doors
 * and clients from the latest few thousand rows (the clients in use now).
 */
export async function loadFilterOptions(db: Database) {
  const recent = db.select({ door: requestLog.door, client: requestLog.userAgent }).from(requestLog).orderBy(desc(requestLog.createdAt)).limit(5000).as("recent");
  const seen = await db.selectDistinct({ door: recent.door, client: recent.client }).from(recent);
  const keys = rowsOf<{ provider: string; model: string; tier: string }>(
    await db.execute(sql`select distinct ${requestRollup.provider} as provider, ${requestRollup.model} as model, ${requestRollup.tier} as tier
      from ${requestRollup} where ${requestRollup.hour} > now() - interval '30 days'`),
  );
  const distinct = (values: Array<string | null | undefined>) => [...new Set(values.filter((value): value is string => Boolean(value)))].sort();
  return {
    providers: distinct(keys.map((row) => row.provider)),
    models: distinct(keys.map((row) => row.model)),
    tiers: distinct(keys.map((row) => row.tier)),
    doors: distinct(seen.map((row) => row.door)),
    clients: distinct(seen.map((row) => row.client)),
  };
}

export type FilterOptions = Awaited<ReturnType<typeof loadFilterOptions>>;
