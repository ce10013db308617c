import { existsSync } from "node:fs";
import { join } from "node:path";
import tarballPath from "./pglite-data-dir.tar.gz" with { type: "file" };

/**
 * A PGlite data directory made once, ahead of time (initdb and the migrations of its day:
 * `bun run scripts/make-pglite-data-dir.ts`), shipped in the package and embedded in the compiled
 * executable. A first start unpacks it instead of running initdb, which in PGlite starts a
 * second WebAssembly Postgres beside the first and peaked at 0.94 GiB; unpacking peaks at ~35 MiB.
 * Migrations added since are applied at open as on any other start.
 */
export function shippedDataDir(): Blob {
  return Bun.file(tarballPath);
}

/** Whether the directory already holds a database (PostgreSQL's own marker file). */
export function holdsDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, "PG_VERSION"));
}

/**
 * Unpacks the shipped data directory into `dataDir`, PG_VERSION last: a start killed halfway
 * leaves no marker, so the next start unpacks again over the partial files.
 */
export async function unpackShippedDataDir(dataDir: string): Promise<void> {
  const archive = new Bun.Archive(await shippedDataDir().bytes());
  await archive.extract(dataDir, { glob: ["**", "!PG_VERSION"] });
  await archive.extract(dataDir, { glob: "PG_VERSION" });
}
