import postgres from "postgres";
import { type DatabaseHandle, openDatabase } from "../../src/db/client";

/**
 * A database of its own on the PostgreSQL server of TEST_DATABASE_URL, for tests whose state is
 * global to a database (budget limits): created empty, migrated when first opened, dropped by
 * `drop()`. `open()` may be called more than once, as separate proxy instances would.
 */
export interface ScratchPostgres {
  url: string;
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

export async function createScratchPostgres(serverUrl: string, label: string): Promise<ScratchPostgres> {
  const name = `claude_proxy_test_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handles: DatabaseHandle[] = [];
  return {
    url: url.toString(),
    async open() {
      const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: "unused" });
      handles.push(handle);
      return handle;
    },
    async drop() {
      await Promise.all(handles.map((handle) => handle.close()));
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end({ timeout: 5 });
      }
    },
  };
}
