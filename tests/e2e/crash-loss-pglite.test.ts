import { join } from "node:path";
import { defaultFlushIntervalMs } from "../../src/db/request-log-writer";
import { PGLITE_SLACK_MS, describeKillUnderLoad } from "../helpers/crash-under-load";

/** `kill -9` of `bun run start` under load on PGlite (crash-under-load.ts says what is checked and why). */
describeKillUnderLoad({
  name: "PGlite",
  skip: false,
  kills: 4,
  boundMs: defaultFlushIntervalMs.pglite + PGLITE_SLACK_MS,
  env: (directory) => ({ DATA_DIR: join(directory, "data-pglite"), EMBEDDED_DATABASE: "pglite" }),
});
