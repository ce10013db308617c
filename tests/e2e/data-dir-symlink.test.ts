import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningProxyProcess, spawnProxy, startProxyProcess } from "../helpers/spawn-proxy";

/**
 * A DATA_DIR reached through a symbolic link (`~/.claude-proxy` pointing at another disk, or the
 * same directory named two ways) is the same directory. The lock used to be keyed on the name as
 * given, so a second proxy through the link was let in beside the first; and PGlite, mounting the
 * link itself, saw no database in it: `bun run start` then failed its first query, and the
 * compiled executable crashed looking for initdb.wasm and hung.
 */
let directory: string;
let running: RunningProxyProcess | undefined;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "claude-proxy-symlink-"));
});

afterAll(() => {
  running?.child.kill("SIGKILL");
  rmSync(directory, { recursive: true, force: true });
});

describe("a DATA_DIR reached through a symbolic link", () => {
  test("is locked as the directory it names, and its PGlite database opens through the link", async () => {
    const real = join(directory, "real");
    const link = join(directory, "link");
    mkdirSync(real);
    symlinkSync(real, link);
    const env = { EMBEDDED_DATABASE: "pglite" };

    running = await startProxyProcess(directory, { ...env, DATA_DIR: real });
    const second = spawnProxy(directory, { ...env, DATA_DIR: link });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`is in use by another claude-proxy (pid ${running.child.pid})`);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);

    running = await startProxyProcess(directory, { ...env, DATA_DIR: link });
    const ready = await fetch(`${running.origin}/ready`);
    const health = (await (await fetch(`${running.origin}/health`)).json()) as { database: { kind: string; state: string } };
    expect(health.database).toMatchObject({ kind: "pglite", state: "reachable" });
    // No provider is configured, so /ready names only that problem, not the database.
    expect(JSON.stringify(await ready.json())).not.toContain("database");
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    running = undefined;
  }, 90_000);
});
