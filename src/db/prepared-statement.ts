import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "./client";

/**
 * Runs a statement whose text never changes (only its parameters do) as a prepared statement on
 * PostgreSQL. Drizzle asks postgres.js not to prepare anything, and postgres.js then sends every
 * query with parameters twice over the socket: Parse + Describe, a wait for the server's answer,
 * then Bind + Execute. A prepared statement is parsed and described once per connection and reused,
 * so each later call is one round trip. Only for fixed texts: postgres.js keeps every prepared text
 * per connection for the connection's life. PGlite runs in-process and keeps drizzle's path.
 */
const dialect = new PgDialect();

interface PreparingClient {
  unsafe(query: string, parameters: unknown[], options: { prepare: boolean }): PromiseLike<unknown>;
}

function preparingClient(db: Database): PreparingClient | undefined {
  // postgres.js's client is a function with `unsafe`; PGlite's is an object without it.
  const client: unknown = (db as { $client?: unknown }).$client;
  if (typeof client !== "function") return undefined;
  return typeof (client as unknown as Partial<PreparingClient>).unsafe === "function" ? (client as unknown as PreparingClient) : undefined;
}

/** The result is what `db.execute` gives for the same query (postgres.js's rows, or PGlite's result). */
export async function executeFixed(db: Database, query: SQL): Promise<unknown> {
  const client = preparingClient(db);
  if (!client) return db.execute(query);
  const rendered = dialect.sqlToQuery(query);
  return client.unsafe(rendered.sql, rendered.params, { prepare: true });
}

/** A statement rendered once: its text with $n placeholders, for `executeFixedText`. */
export function renderFixed(query: SQL): string {
  return dialect.sqlToQuery(query).sql;
}

/**
 * `executeFixed` for a text rendered once (`renderFixed`) and its parameters: skips drizzle's
 * rendering, which for a statement of many parameters costs more than building them.
 */
export async function executeFixedText(db: Database, text: string, parameters: unknown[]): Promise<unknown> {
  const client = preparingClient(db);
  if (client) return client.unsafe(text, parameters, { prepare: true });
  // PGlite (and any other client): the same text and parameters through drizzle's execute.
  const parts = text.split(/\$(\d+)/);
  const chunks = parts.map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql`${parameters[Number(part) - 1]}`));
  return db.execute(sql.join(chunks));
}
