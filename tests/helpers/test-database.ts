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

/**
 * A database of its own for this test run, created on the server TEST_DATABASE_URL names. Runs never
 * see each other's tables or migrations (a branch that adds a migration must not break another
 * checkout's tests on the same server), and databases of finished runs are dropped on the way in.
 */
async function createRunDatabase(serverUrl: string): Promise<string> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database d
      where datname like ${`${RUN_DATABASE_PREFIX}%`}
        and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}"`).catch(() => {});
    const name = `${RUN_DATABASE_PREFIX}${process.pid}_${crypto.randomUUID().slice(0, 8)}`;
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
