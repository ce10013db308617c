import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPostgresBinaries } from "../../src/db/native-postgres/binaries";
import { nativeServerBlocker } from "../../src/db/native-postgres/native-server";
import { defaultFlushIntervalMs } from "../../src/db/request-log-writer";
import { SLACK_MS, describeKillUnderLoad } from "../helpers/crash-under-load";

/**
 * `kill -9` of `bun run start` under load on the embedded native PostgreSQL, the zero-setup default
 * where its binaries are installed: each kill also kills the proxy's own server, and the next start
 * must clear it (crash-under-load.ts says what is checked and why).
 */
const nativeBinaries = await findPostgresBinaries();

/** Why the native server cannot run here (no binaries; as root, a checkout `nobody` cannot enter), or undefined. */
function nativeBlocker(): string | undefined {
  // The test's directory is made (mode 755) in the temp directory: what is checked is the temp directory and the binaries' path.
  const reason = nativeBinaries ? nativeServerBlocker(join(tmpdir(), "claude-proxy-crash-probe", "data"), nativeBinaries) : "no PostgreSQL binaries for this platform";
  if (reason) console.warn(`kill -9 on the embedded native PostgreSQL skipped: ${reason}`);
  return reason;
}

describeKillUnderLoad({
  name: "the embedded native PostgreSQL",
  skip: Boolean(nativeBlocker()),
  kills: 4,
  boundMs: defaultFlushIntervalMs.postgres + SLACK_MS,
  env: (directory) => ({ DATA_DIR: join(directory, "data-native"), EMBEDDED_DATABASE: "postgres" }),
});
