import type { RequestLogSink } from "../../src/db/request-log-writer";
import type { RequestLogRow } from "../../src/db/schema";

/**
 * Counts every `record()` a request-log sink receives, per task id, and passes each row on.
 * The database cannot show a second record for a task: `task_id` is the primary key and inserts
 * skip duplicates, so "logged exactly once" is only visible here, before the write.
 */
export interface RecordCounter {
  /** How many times the task was recorded so far. */
  count(taskId: string): number;
  /** Every recorded row of the task, in order. */
  rows(taskId: string): RequestLogRow[];
  /** Every recorded row, in order (to find a task whose response the client never saw). */
  all(): RequestLogRow[];
}

/** Wraps the sink's `record` in place, so whatever already holds the sink (the pipeline) is counted too. */
export function countRecords(sink: RequestLogSink): RecordCounter {
  const recorded: RequestLogRow[] = [];
  const record = sink.record.bind(sink);
  sink.record = (row) => {
    recorded.push(row);
    record(row);
  };
  const rows = (taskId: string) => recorded.filter((row) => row.taskId === taskId);
  return {
    count: (taskId) => rows(taskId).length,
    rows,
    all: () => [...recorded],
  };
}
