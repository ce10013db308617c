import { type Column, getTableColumns, is, SQL, type Table } from "drizzle-orm";
import { storedValue } from "./stored-text";

/**
 * Rows of a drizzle table as one JSON text keyed by column name, for
 * `insert ... select * from json_populate_recordset(null::table, $1)`: one bound parameter per
 * batch instead of one per cell. Drizzle's multi-row `values()` spent ~150 ms of blocking JS
 * building a 500-row request-log insert (10,500 parameters), which halved the proxy's throughput.
 * A property left undefined gets the column's default, as drizzle's insert would give it; every
 * string goes through `storedValue` (stored-text.ts). The request-log writer now sends an array
 * of rows instead (record-array-insert.ts: cheaper for the server); this stays for what still wants
 * JSON: rows for an older request_log (JSON keys without a column are ignored) and the benchmarks
 * that compare the two.
 */
export function jsonRecordsWriter<T extends Table>(table: T): (rows: ReadonlyArray<T["$inferInsert"]>) => string {
  const columns = Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, column]) => {
    if (column.default !== undefined && is(column.default, SQL)) {
      throw new Error(`jsonRecordsWriter: column ${column.name} has an SQL default, which JSON rows cannot express`);
    }
    return { key, name: column.name, column };
  });
  const record = (row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const { key, name, column } of columns) {
      let value = row[key];
      if (value === undefined) value = column.defaultFn ? column.defaultFn() : column.default;
      // JSON has no NaN/Infinity; PostgreSQL parses them from text into float columns.
      if (typeof value === "number" && !Number.isFinite(value)) value = String(value);
      // A NUL or half an emoji in any text or jsonb string would make PostgreSQL refuse the row.
      out[name] = storedValue(value ?? null);
    }
    return out;
  };
  return (rows) => JSON.stringify(rows.map((row) => record(row as Record<string, unknown>)));
}
