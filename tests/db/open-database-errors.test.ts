import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client";
import { DatabaseOpenError } from "../../src/db/open-error";
import { testDatabaseUrl } from "../helpers/test-database";

/**
 * Opening the database fails with a message that names the cause and the variable to fix, never
 * drizzle's "Failed query: CREATE SCHEMA ...", never the password, and within seconds.
 * The unknown host is a `.invalid` name (RFC 6761: it never resolves) whose 64-character label
 * cannot even be encoded as a DNS query, so the lookup fails without leaving the machine.
 * A port that never answers is tested on the real entry point (tests/e2e/database-start-errors.test.ts).
 */
const UNKNOWN_HOST = `${"x".repeat(64)}.invalid`;
const PASSWORD = "canary-password-5c1f";

let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-open-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function openError(options: Parameters<typeof openDatabase>[0]): Promise<{ error: DatabaseOpenError }> {
  const error = await openDatabase(options).then(
    async (handle) => {
      await handle.close();
      throw new Error("the database opened");
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(DatabaseOpenError);
  const message = (error as Error).message;
  expect(message).not.toContain("Failed query");
  expect(message).not.toContain(PASSWORD);
  return { error: error as DatabaseOpenError };
}

describe("DATABASE_URL that cannot be used", () => {
  test("connection refused (a port nothing listens on)", async () => {
    const { error } = await openError({ databaseUrl: `postgres://postgres:${PASSWORD}@127.0.0.1:1/test`, dataDir: "unused" });
    expect(error.message).toBe(
      "cannot connect to PostgreSQL as postgres@127.0.0.1:1/test (DATABASE_URL): connection refused at 127.0.0.1:1: no PostgreSQL server listens there. Start it, or fix the host and port in DATABASE_URL.",
    );
  });

  test("unknown host", async () => {
    const { error } = await openError({ databaseUrl: `postgres://postgres:${PASSWORD}@${UNKNOWN_HOST}:5432/test`, dataDir: "unused" });
    expect(error.message).toContain(`unknown host "${UNKNOWN_HOST}": the name does not resolve. Fix the host in DATABASE_URL.`);
  });

  const server = testDatabaseUrl ? new URL(testDatabaseUrl) : undefined;
  test.skipIf(!server)("a database that does not exist on the server", async () => {
    const url = new URL(server!);
    url.pathname = "/claude_proxy_no_such_database";
    const { error } = await openError({ databaseUrl: url.href, dataDir: "unused" });
    expect(error.message).toContain(
      `database "claude_proxy_no_such_database" does not exist on ${url.hostname}:${url.port || "5432"}. Create it (createdb claude_proxy_no_such_database) or fix the database name in DATABASE_URL.`,
    );
  });

  // The local server trusts every login, so a wrong password cannot be shown; a role that does not exist is refused the same way (SQLSTATE 28000/28P01).
  test.skipIf(!server)("a role that does not exist (authentication)", async () => {
    const url = new URL(server!);
    url.username = "claude_proxy_no_such_role";
    url.password = PASSWORD;
    const { error } = await openError({ databaseUrl: url.href, dataDir: "unused" });
    expect(error.message).toContain(`authentication failed for user "claude_proxy_no_such_role" (role "claude_proxy_no_such_role" does not exist). Fix the user or password in DATABASE_URL`);
  });
});

describe("DATA_DIR that cannot be used", () => {
  test("a path through a regular file", async () => {
    const file = join(directory, "a-file");
    writeFileSync(file, "not a directory");
    const { error } = await openError({ dataDir: join(file, "data") });
    expect(error.message).toBe(
      `cannot open the embedded database in DATA_DIR=${join(file, "data")}: cannot create or write the directory (a part of the path is a file, not a directory). Point DATA_DIR at a directory this user can write, or set DATABASE_URL to use a PostgreSQL server.`,
    );
  });

  test("a path that is a file", async () => {
    const file = join(directory, "another-file");
    writeFileSync(file, "not a directory");
    const { error } = await openError({ dataDir: file });
    expect(error.message).toContain(`DATA_DIR=${file}: cannot create or write the directory (the path exists and is not a directory)`);
  });
});
