import { z } from "zod";
import type { FilterValues } from "../../../views/components/filter-query";
import { type Cursor, type RequestFilter, STATUS_CLASSES, type StatusClass, decodeCursor } from "../../db/dashboard/requests-queries";

/**
 * The request list's query string, shared by the page, its live rows, the CSV export and
 * /api/requests: provider, model, tier, status (ok | failed | rejected | upstream | a code), client, door,
 * time (1h | 24h | 7d | 30d; empty for all time), before (a page cursor), limit (API only).
 * Empty values mean "any", so a plain GET form can send every field.
 */
export const TIME_FILTERS = ["1h", "24h", "7d", "30d"] as const;
export type TimeFilter = (typeof TIME_FILTERS)[number];
const timeFilterMs: Record<TimeFilter, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

// PostgreSQL takes no NUL in a text parameter (and the log never stores one): a 400, not a failed query.
const text = z
  .string()
  .trim()
  .max(300)
  .refine((value) => !value.includes("\0"), "must not contain a NUL character")
  .optional()
  .transform((value) => (value ? value : undefined));

const querySchema = z.object({
  provider: text,
  model: text,
  tier: text,
  status: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.union([z.enum(STATUS_CLASSES), z.string().regex(/^\d{3}$/, `a class (${STATUS_CLASSES.join(", ")}) or a three-digit status`), z.undefined()])),
  client: text,
  door: text,
  time: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.enum(TIME_FILTERS).optional()),
  // A cursor that cannot be read is the caller's mistake, not "the first page".
  before: z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      const cursor = decodeCursor(value);
      if (!cursor) context.addIssue({ code: "custom", message: "must be a page cursor, as a previous page's `next` gives it" });
      return cursor;
    }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export interface ParsedRequestQuery {
  filter: RequestFilter;
  values: FilterValues;
  before: Cursor | undefined;
  limit: number | undefined;
}

/** `param`: the first refused parameter's name, as the API's errors name it. */
export type RequestQueryResult = { ok: true; query: ParsedRequestQuery } | { ok: false; problems: string[]; param: string | null };

export function parseRequestQuery(query: Record<string, string>, now: Date = new Date()): RequestQueryResult {
  const parsed = querySchema.safeParse(query);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    return { ok: false, problems: issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`), param: issues[0]?.path.join(".") || null };
  }
  const data = parsed.data;
  const status: StatusClass | number | undefined = data.status === undefined ? undefined : /^\d+$/.test(data.status) ? Number(data.status) : (data.status as StatusClass);
  const filter: RequestFilter = {
    provider: data.provider,
    model: data.model,
    tier: data.tier,
    status,
    client: data.client,
    door: data.door,
    since: data.time ? new Date(now.getTime() - timeFilterMs[data.time]) : undefined,
  };
  return {
    ok: true,
    query: {
      filter,
      values: {
        provider: data.provider ?? "",
        model: data.model ?? "",
        tier: data.tier ?? "",
        status: data.status ?? "",
        client: data.client ?? "",
        door: data.door ?? "",
        time: data.time ?? "",
      },
      before: data.before,
      limit: data.limit,
    },
  };
}
