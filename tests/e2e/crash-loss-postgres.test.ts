import { defaultFlushIntervalMs } from "../../src/db/request-log-writer";
import { SLACK_MS, describeKillUnderLoad } from "../helpers/crash-under-load";
import { testDatabaseUrl } from "../helpers/test-database";

/** `kill -9` of `bun run start` under load on the PostgreSQL server of TEST_DATABASE_URL (crash-under-load.ts says what is checked and why). */
describeKillUnderLoad({
  name: "PostgreSQL",
  skip: !testDatabaseUrl,
  kills: 5,
  boundMs: defaultFlushIntervalMs.postgres + SLACK_MS,
  env: () => ({ DATABASE_URL: testDatabaseUrl! }),
});
