import { type DatabaseHandle, openDatabase } from "../src/db/client";
import { RequestLogWriter } from "../src/db/request-log-writer";
import { createLogger } from "../src/logger";
import type { WorkerMessage } from "./embedded-database-rows";

/** PGlite (the tuned open path) and the request-log writer in a Worker: option "pglite-worker". */
declare const self: Worker;
let handle: DatabaseHandle | undefined;
let writer: RequestLogWriter | undefined;

self.onmessage = async (event: MessageEvent<WorkerMessage>) => {
  const message = event.data;
  try {
    if (message.type === "open") {
      handle = await openDatabase({ dataDir: message.dataDir, embedded: "pglite" });
      writer = new RequestLogWriter(handle.db, { flushIntervalMs: 20, maxBatch: 100, logger: createLogger("silent") });
      self.postMessage({ type: "ready" } satisfies WorkerMessage);
    } else if (message.type === "rows") {
      for (const row of message.rows) writer?.record(row);
    } else if (message.type === "close") {
      await writer?.close();
      const written = writer?.status().written ?? 0;
      await handle?.close();
      self.postMessage({ type: "closed", written } satisfies WorkerMessage);
    }
  } catch (error) {
    self.postMessage({ type: "failed", message: (error as Error).message } satisfies WorkerMessage);
  }
};
