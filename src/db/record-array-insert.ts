import { type Column, getTableColumns, getTableName, is, SQL, sql, type Table } from "drizzle-orm";
import type { Database } from "./client";
import { executeFixedText, renderFixed } from "./prepared-statement";
import { rowsOf } from "./rows-of";
import { isoTime } from "./iso-time";
import { quotedTwice, quotedTwiceJson } from "./literal-quote";
import { storedJson, storedText } from "./stored-text";

/**
 * An insert of a drizzle table's rows as one array of the table's own row type:
 * `insert into t select (r).* from unnest($1::t[]) r <tail>`, one parameter whatever the batch
 * size. JSON rows (`json_populate_recordset`) cost PostgreSQL ~18 µs a request-log row, a third of
 * its whole insert: its JSON parser builds a hash table of every object's field names. A row
 * literal is read field by field straight into each column's type. (One array per column, through
 * a multi-argument unnest, reads as fast but gives each column its own tuplestore: ~1 MB allocated
 * and freed per statement, which glibc hands back to the kernel and faults in again each time,
 * tripling the server's CPU for a 10-row batch.)
 *
 * A row literal lists the fields in the table's column order in the database, which migrations
 * that add columns make differ from the schema's: it is read from the catalog on the first insert
 * and kept for the process, which opens one database (a process writing to two databases whose
 * orders differ would need it per database).
 * A property left undefined gets the column's default, as drizzle's insert would give it; every
 * string goes through `storedText` (JSON values through `storedJson`).
 */
export type RecordArrayInsert<T extends Table> = (db: Database, rows: ReadonlyArray<T["$inferInsert"]>) => Promise<unknown>;

export function recordArrayInsert<T extends Table>(table: T, tail: SQL = sql``): RecordArrayInsert<T> {
  const byName = new Map(
    Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, column]) => {
      if (column.default !== undefined && is(column.default, SQL)) {
        throw new Error(`recordArrayInsert: column ${column.name} has an SQL default, which a row literal cannot express`);
      }
      return [column.name, { key, column }];
    }),
  );
  const text = renderFixed(sql`insert into ${table} select (r).* from unnest(${""}::${table}[]) as r ${tail}`);
  let order: Promise<Array<{ key: string; column: Column } | undefined>> | undefined;
  const columnOrder = async (db: Database) => {
    const rows = rowsOf<{ name: string }>(
      await db.execute(sql`select attname as name from pg_attribute where attrelid = ${getTableName(table)}::regclass and attnum > 0 and not attisdropped order by attnum`),
    );
    // A column the schema does not know (added by a newer version of the proxy) is left null.
    return rows.map(({ name }) => byName.get(name));
  };
  return async (db, rows) => {
    order ??= columnOrder(db).catch((error: unknown) => {
      order = undefined;
      throw error;
    });
    const fields = await order;
    return executeFixedText(db, text, [recordArrayLiteral(fields, rows)]);
  };
}

/** A column of the literal's rows, in the catalog's order; undefined for a column the schema does not know (left null). */
export type RecordField = { key: string; column: Pick<Column, "default" | "defaultFn"> } | undefined;

/**
 * The array literal of `rows` as row literals of `fields`: `{"(f1,f2,...)","(...)"}`. Joined, not
 * concatenated: `+=` makes a rope node per piece (~3 KiB a request-log row, against ~1.7 joined),
 * which postgres.js then flattens.
 */
export function recordArrayLiteral(fields: readonly RecordField[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const records = new Array<string>(rows.length);
  const values = new Array<string>(fields.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    for (let position = 0; position < fields.length; position++) {
      const field = fields[position];
      if (!field) {
        values[position] = "";
        continue;
      }
      let value = row[field.key];
      if (value === undefined) value = field.column.defaultFn ? field.column.defaultFn() : field.column.default;
      values[position] = recordField(value);
    }
    records[index] = `"(${values.join(",")})"`;
  }
  return `{${records.join(",")}}`;
}

/**
 * A field of a row literal that is itself an element of an array literal, written in one pass:
 * null is an empty field; numbers, booleans and dates have no character either literal treats
 * specially; text (and JSON) is quoted twice (literal-quote.ts), after `storedText`/`storedJson`.
 */
function recordField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return quotedTwice(storedText(value));
  if (typeof value === "boolean") return value ? "t" : "f";
  // Non-finite numbers go as their names ("NaN", "Infinity"), which float columns parse.
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  // An invalid Date is null, as JSON.stringify writes it (the column's NOT NULL then refuses the row).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : isoTime(value);
  return quotedTwiceJson(storedJson(value));
}
