import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnProxy, startProxyProcess } from "../helpers/spawn-proxy";

/**
 * PGlite keeps its database in DATA_DIR itself. A DATA_DIR with no database in it used to get the
 * shipped one unpacked into it whatever else it held: `--data-dir .` in a project scattered
 * base/, global/ and 18 pg_* entries among its files, and the compiled executable (PGlite only)
 * on a directory `bun run start` had used put an empty database beside the native one in
 * DATA_DIR/postgres. From then on `auto` found a PGlite database there and stayed on it, also
 * under `bun run start`: the request log's history was out of sight for good.
 */
let directory: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-foreign-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function failedStart(dataDir: string) {
  const proxy = spawnProxy(directory, { DATA_DIR: dataDir, EMBEDDED_DATABASE: "pglite" });
  const timer = setTimeout(() => proxy.child.kill("SIGKILL"), 25_000);
  const code = await proxy.exited;
  clearTimeout(timer);
  return { code, stderr: proxy.stderr() };
}

describe("PGlite in a DATA_DIR that holds no database", () => {
  test("one holding the native server's database is refused, and nothing is unpacked beside it", async () => {
    const dataDir = join(directory, "native");
    mkdirSync(join(dataDir, "postgres"), { recursive: true });
    writeFileSync(join(dataDir, "postgres", "PG_VERSION"), "18\n");
    writeFileSync(join(dataDir, "postgres.log"), "");
    const { code, stderr } = await failedStart(dataDir);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot open the embedded database in DATA_DIR=${dataDir}`);
    expect(stderr).toContain("holds the embedded native PostgreSQL's database");
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(false);
    expect(existsSync(join(dataDir, "base"))).toBe(false);
  }, 30_000);

  test("one holding other directories (a project, a home) is refused, naming them", async () => {
    const dataDir = join(directory, "project");
    mkdirSync(join(dataDir, "src"), { recursive: true });
    mkdirSync(join(dataDir, "node_modules"));
    writeFileSync(join(dataDir, "package.json"), "{}");
    const { code, stderr } = await failedStart(dataDir);
    expect(code).toBe(1);
    expect(stderr).toContain("holds no database but other directories (node_modules, src)");
    expect(existsSync(join(dataDir, "base"))).toBe(false);
  }, 30_000);

  test("one left half unpacked by a killed start, with hidden and plain files, is unpacked again and opens", async () => {
    const dataDir = join(directory, "partial");
    mkdirSync(join(dataDir, "base"), { recursive: true });
    mkdirSync(join(dataDir, "pg_wal"));
    writeFileSync(join(dataDir, ".DS_Store"), "");
    // A container's WORKDIR is its DATA_DIR (Dockerfile): a mounted catalog file may sit there.
    writeFileSync(join(dataDir, "catalog.json"), "[]");
    const proxy = await startProxyProcess(directory, { DATA_DIR: dataDir, EMBEDDED_DATABASE: "pglite" });
    proxy.child.kill("SIGTERM");
    expect(await proxy.exited).toBe(0);
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
  }, 60_000);
});
