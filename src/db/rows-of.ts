/** Rows of a raw `db.execute` result: PGlite returns `{ rows }`, postgres.js the array itself. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/** postgres.js returns bigint and numeric as strings; every aggregate is read through this. */
export function numberOf(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const number = Number(value);
  return Number.isFinite(number) ? number : 0;
}

export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : numberOf(value);
}
