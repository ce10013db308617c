import { type Column, getTableColumns, is, SQL, sql, type Table } from "drizzle-orm";
import type { Database } from "./client";
import { executeFixedText, renderFixed } from "./prepared-statement";
import { storedValue } from "./stored-text";

/**
 * An insert of a drizzle table's rows as one array literal per column:
 * `insert into t (c1, ...) select * from unnest($1::type1[], ...) <tail>`, a fixed text whatever
 * the batch size, rendered once. JSON rows (`json_populate_recordset`) cost PostgreSQL ~18 µs a
 * request-log row, a third of its whole insert: its JSON parser builds a hash table of every
 * object's field names; an array literal is read element by element into each column's type. A
 * property left undefined gets the column's default, as drizzle's insert would give it; every
 * string goes through `storedValue`.
 */
export type ColumnArraysInsert<T extends Table> = (db: Database, rows: ReadonlyArray<T["$inferInsert"]>) => Promise<unknown>;

export function columnArraysInsert<T extends Table>(table: T, tail: SQL = sql``): ColumnArraysInsert<T> {
  const columns = Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, column]) => {
    if (column.default !== undefined && is(column.default, SQL)) {
      throw new Error(`columnArraysInsert: column ${column.name} has an SQL default, which array literals cannot express`);
    }
    return { key, column };
  });
  const names = sql.join(columns.map(({ column }) => sql.identifier(column.name)), sql`, `);
  const arrays = sql.join(columns.map(({ column }) => sql`${""}::${sql.raw(`${column.getSQLType()}[]`)}`), sql`, `);
  const text = renderFixed(sql`insert into ${table} (${names}) select * from unnest(${arrays}) ${tail}`);
  return (db, rows) =>
    executeFixedText(
      db,
      text,
      columns.map(({ key, column }) =>
        arrayLiteral(rows, (row) => {
          const value = (row as Record<string, unknown>)[key];
          return storedValue(value === undefined ? (column.defaultFn ? column.defaultFn() : column.default) : value);
        }),
      ),
    );
}

/** An array literal of one value per item (`{"a",NULL,"b"}`), for a `$n::type[]` parameter. */
export function arrayLiteral<T>(items: readonly T[], value: (item: T) => unknown): string {
  let literal = "{";
  for (const [index, item] of items.entries()) literal += (index === 0 ? "" : ",") + arrayElement(value(item));
  return `${literal}}`;
}

/**
 * One element of an array literal: NULL, or the value's text (an object or array as JSON) in
 * double quotes with `"` and `\` escaped (a quoted element takes any character: commas, braces,
 * blanks). Text goes as it is: callers that store untrusted text pass it through storedValue first.
 */
export function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "t" : "f";
  // Non-finite numbers go as their names ("NaN", "Infinity"), which float columns parse.
  if (typeof value === "number" || typeof value === "bigint") return `"${String(value)}"`;
  // An invalid Date is null, as JSON.stringify writes it (the column's NOT NULL then refuses the row).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "NULL" : `"${value.toISOString()}"`;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}
