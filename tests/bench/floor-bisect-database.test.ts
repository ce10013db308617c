import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import postgres from "postgres";

/**
 * bench/floor-bisect.ts under BENCH_DATABASE_URL, as bench/run-benchmark.ts runs it: each proxy side
 * logs to a scratch database of its own on that server, created (and migrated) before the side
 * starts and dropped afterwards, and the run says so. The database the URL names is left as it
 * was, and a PGlite side keeps its own database. A tiny run: one round of a few requests.
 */
const serverUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const name = `floor_bisect_check_${process.pid}`;
const target = new URL(serverUrl);
target.pathname = `/${name}`;
let admin: ReturnType<typeof postgres>;

beforeAll(async () => {
  admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
});

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end({ timeout: 5 });
});

test("each side logs to its own scratch database on the server, dropped afterwards; the named database is left alone", async () => {
  const child = Bun.spawn([process.execPath, "run", join(import.meta.dir, "../../bench/floor-bisect.ts"), "c1"], {
    env: { ...process.env, BENCH_DATABASE_URL: target.toString(), FLOOR_BISECT_SIDES: "full;lean,pglite", FLOOR_BISECT_ROUNDS: "1", FLOOR_BISECT_SCALE: "0.05" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, err: code === 0 ? "" : err }).toEqual({ code: 0, err: "" });
  expect(out).toContain("scratch database");
  expect(out).toMatch(/full .*failed 0/);
  expect(out).toMatch(/lean,pglite .*failed 0/);

  // The named database holds no table of the proxy's: nothing was migrated or logged there.
  const named = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    expect((await named`select table_name from information_schema.tables where table_schema = 'public'`).map((row) => row.table_name)).toEqual([]);
  } finally {
    await named.end({ timeout: 5 });
  }
  // And no scratch database of the run is left on the server.
  expect((await admin`select datname from pg_database where datname like ${`claude_proxy_bench_${child.pid}_%`}`).map((row) => row.datname)).toEqual([]);
}, 240_000);
