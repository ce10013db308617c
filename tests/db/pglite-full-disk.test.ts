import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/client";

/**
 * A new PGlite data directory on a device without room for it (about 39 MiB unpacked): the start
 * used to fail with Bun's bare "ReadError" and advice to pick an empty directory. A 2 MiB tmpfs
 * stands for the full disk; mounting one needs root, so elsewhere the test is skipped.
 */
const root = mkdtempSync(join(tmpdir(), "claude-proxy-full-"));
const mountPoint = join(root, "small");
mkdirSync(mountPoint);
const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint], { stderr: "ignore" }).exitCode === 0;

afterAll(() => {
  if (mounted) Bun.spawnSync(["umount", mountPoint]);
  rmSync(root, { recursive: true, force: true });
});

test.skipIf(!mounted)("a device without room for a new database is named as the cause", async () => {
  const dataDir = join(mountPoint, "data");
  const error = await openDatabase({ dataDir, embedded: "pglite" }).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  );
  expect(error?.message).toContain(`cannot open the embedded database in DATA_DIR=${dataDir}: cannot create or write the directory (no space left on the device`);
  expect(error?.message).not.toContain("ReadError");
});
