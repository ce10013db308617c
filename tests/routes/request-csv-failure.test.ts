import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Database, DatabaseHandle } from "../../src/db/client";
import { insertRequestLogs } from "../../src/db/queries";
import { requestCsvStream } from "../../src/routes/dashboard/request-csv";
import { capturingLogger } from "../helpers/capturing-logger";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * The CSV export streams the log a page at a time. When a page's query fails part-way, the
 * download must fail as the client sees it (the response body errors; it does not end as if the
 * file were complete), and the proxy logs why. An export that works ends with every row.
 */
const ROWS = 2_100; // more than one page of the export's query (2,000 rows)

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`CSV export on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const client = `csv-failure-${crypto.randomUUID()}`;
    const taskIds: string[] = [];

    beforeAll(async () => {
      handle = await target.open();
      const start = Date.now() - 3_600_000;
      const rows = Array.from({ length: ROWS }, (_, index) => makeLogRow({ userAgent: client, createdAt: new Date(start + index * 1000) }));
      taskIds.push(...rows.map((row) => row.taskId));
      await insertRequestLogs(handle.db, rows);
    });

    afterAll(async () => {
      if (!handle) return;
      await deleteLogRows(handle.db, taskIds);
      if (!target.shared) await handle.close();
    });

    /** Serves the export over real HTTP and reads it as a client would: the whole body, or the error reading it ends with. */
    async function download(db: Database): Promise<{ body?: string; error?: unknown; lines: Array<Record<string, unknown>> }> {
      const { lines, logger } = capturingLogger();
      const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(requestCsvStream(db, { client }, logger, () => undefined), { headers: { "content-type": "text/csv" } }) });
      try {
        const response = await fetch(`http://127.0.0.1:${server.port}/`);
        expect(response.status).toBe(200);
        return { body: await response.text(), lines };
      } catch (error) {
        return { error, lines };
      } finally {
        await server.stop(true);
      }
    }

    test("a complete export holds every row", async () => {
      const { body, error } = await download(handle.db);
      expect(error).toBeUndefined();
      expect(body!.trimEnd().split("\r\n")).toHaveLength(ROWS + 1);
    });

    test("a query that fails on the second page fails the download, and is logged", async () => {
      let selects = 0;
      // The database answers the first page, then the connection is lost.
      const failing = new Proxy(handle.db, {
        get(database, property, receiver) {
          if (property === "select" && ++selects > 1) {
            return () => {
              throw new Error("connection terminated unexpectedly");
            };
          }
          return Reflect.get(database, property, receiver);
        },
      }) as Database;
      const { body, error, lines } = await download(failing);
      expect(body).toBeUndefined();
      expect(error).toBeDefined();
      const logged = lines.find((line) => line.level === "error" && String(line.message).includes("CSV export"));
      expect(logged).toMatchObject({ error: "connection terminated unexpectedly", rowsRead: 2_000 });
    });
  });
}
