import { PGlite } from "@electric-sql/pglite";
import initdbWasmPath from "@electric-sql/pglite/initdb.wasm" with { type: "file" };
import { drizzle } from "drizzle-orm/pglite";
import { loadPgliteFiles } from "../src/db/pglite-files";
import { applyEmbeddedMigrations } from "../src/db/run-migrations";

/**
 * `bun run scripts/make-pglite-data-dir.ts`: makes src/db/pglite-data-dir.tar.gz, the PGlite
 * data directory every new embedded PGlite database starts from (initdb, then the migrations).
 * Run it after upgrading @electric-sql/pglite (tests/db/pglite-data-dir.test.ts fails when the
 * shipped directory no longer opens); a new migration needs no new tarball. Peaks near 1 GiB: it
 * runs PGlite's initdb, which is exactly what users are spared.
 */
const output = new URL("../src/db/pglite-data-dir.tar.gz", import.meta.url).pathname;
const files = await loadPgliteFiles();
const initdbWasmModule = await WebAssembly.compile(await Bun.file(initdbWasmPath).arrayBuffer());
const database = new PGlite("memory://", { ...files, initdbWasmModule });
try {
  await applyEmbeddedMigrations(drizzle(database));
  await database.exec("checkpoint");
  const tarball = await database.dumpDataDir("gzip");
  await Bun.write(output, tarball);
  console.log(`wrote ${output} (${(tarball.size / 1024 / 1024).toFixed(1)} MiB)`);
} finally {
  await database.close();
}
