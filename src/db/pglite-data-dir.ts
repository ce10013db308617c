import { type Dirent, existsSync, readdirSync, statfsSync } from "node:fs";
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

/** Whether the directory holds the embedded native PostgreSQL's database (native-postgres: DATA_DIR/postgres). */
export function holdsNativeDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, "postgres", "PG_VERSION"));
}

/** What a PostgreSQL data directory holds at its top, so also what a start killed while unpacking leaves. */
const postgresEntry = /^(base|global|PG_VERSION|pg_.*|postgresql\..*|postmaster\..*|current_logfiles)$/;

/**
 * The directories in a directory with no database that the shipped one would be unpacked among
 * (a project's src, a home directory's, the native server's DATA_DIR/postgres). Plain files are
 * let be (a container's WORKDIR may hold a mounted catalog file beside the database), and so are
 * hidden entries and a mount point's lost+found.
 */
export function foreignDirectories(dataDir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dataDir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "lost+found" && !postgresEntry.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Unpacks the shipped data directory into `dataDir`, PG_VERSION last: a start killed halfway
 * leaves no marker, so the next start unpacks again over the partial files.
 */
export async function unpackShippedDataDir(dataDir: string): Promise<void> {
  const archive = new Bun.Archive(await shippedDataDir().bytes());
  try {
    await archive.extract(dataDir, { glob: ["**", "!PG_VERSION"] });
    await archive.extract(dataDir, { glob: "PG_VERSION" });
  } catch (error) {
    throw withSpaceCause(error, dataDir);
  }
}

/** What the shipped data directory takes unpacked (39 MiB), with room for its first writes. */
const UNPACKED_BYTES = 48 * 1024 * 1024;

/**
 * Bun's archive reports a write that failed for want of space as a bare "ReadError" with no errno:
 * where the device has less room than a new database needs, that is the cause, with its code.
 */
function withSpaceCause(error: unknown, dataDir: string): unknown {
  if ((error as { code?: unknown }).code !== undefined) return error;
  try {
    const { bavail, bsize } = statfsSync(dataDir);
    if (bavail * bsize >= UNPACKED_BYTES) return error;
  } catch {
    return error;
  }
  return Object.assign(new Error("no space left on the device", { cause: error }), { code: "ENOSPC" });
}
