import { type DatabaseHandle, openDatabase } from "../../src/db/client";

/**
 * One in-memory PGlite for the whole `bun test` run (all files share the process): creating one
 * costs seconds, so every test file reuses it and tells its rows apart by task id.
 */
let shared: Promise<DatabaseHandle> | undefined;

export function sharedTestDatabase(): Promise<DatabaseHandle> {
  shared ??= openDatabase({ dataDir: "memory://" });
  return shared;
}

const RUN_DATABASE_PREFIX = "claude_proxy_test_";
/** A run takes minutes; a database older than this belongs to a run that ended. */
const STALE_AFTER_SECONDS = 3 * 3600;

/**
 * A database of its own for this test run, created on the server TEST_DATABASE_URL names. Runs never
 * see each other's tables or migrations (a branch that adds a migration must not break another
 * checkout's tests on the same server), and databases of finished runs are dropped on the way in.
 */
async function createRunDatabase(serverUrl: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    // The name carries its creation time: only databases of runs long over are dropped, never one
    // that a concurrent run merely has no connection to at this moment.
    const now = Math.floor(Date.now() / 1000);
    const runs = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${RUN_DATABASE_PREFIX}%`}`;
    for (const { datname } of runs) {
      const createdAt = Number(datname.slice(RUN_DATABASE_PREFIX.length).split("_")[0]);
      if (Number.isFinite(createdAt) && now - createdAt > STALE_AFTER_SECONDS) await admin.unsafe(`drop database if exists "${datname}"`).catch(() => {});
    }
    const name = `${RUN_DATABASE_PREFIX}${now}_${process.pid}_${crypto.randomUUID().slice(0, 8)}`;
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** The real PostgreSQL server of the machine, when TEST_DATABASE_URL is set (CI sets it): a fresh database per run. */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL ? await createRunDatabase(process.env.TEST_DATABASE_URL) : undefined;

/**
 * The two databases the proxy runs on, for tests that must pass on both: the shared PGlite, and the
 * real PostgreSQL (skipped without TEST_DATABASE_URL) through a handle of the test's own that it
 * closes (`shared: false`).
 */
export const databaseTargets = [
  { name: "PGlite", skip: false, open: sharedTestDatabase, shared: true },
  { name: "PostgreSQL", skip: !testDatabaseUrl, open: () => openDatabase({ databaseUrl: testDatabaseUrl!, dataDir: "unused" }), shared: false },
];
