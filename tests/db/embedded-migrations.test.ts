import { describe, expect, test } from "bun:test";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { embeddedMigrations } from "../../src/db/embedded-migrations";

const migrationsFolder = new URL("../../src/db/migrations", import.meta.url).pathname;

describe("embedded migrations", () => {
  test("are exactly what drizzle reads from the folder, so both share a data dir's bookkeeping", () => {
    expect(embeddedMigrations()).toEqual(readMigrationFiles({ migrationsFolder }));
  });
});
