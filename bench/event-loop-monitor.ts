import { renameSync, writeFileSync } from "node:fs";
import { watchEventLoop } from "./event-loop-gaps";

/**
 * Preloaded into the soak's proxy process (`bun --preload`): its event-loop gaps
 * (bench/event-loop-gaps.ts). SIGUSR2 writes the tally since the last one to EVENT_LOOP_REPORT
 * (JSON) and starts a new one.
 */
const reportPath = process.env.EVENT_LOOP_REPORT;
const watch = watchEventLoop();

process.on("SIGUSR2", () => {
  const report = watch.take();
  // Whole or not at all: the soak reads the file as soon as it appears.
  if (reportPath) {
    writeFileSync(`${reportPath}.partial`, JSON.stringify(report));
    renameSync(`${reportPath}.partial`, reportPath);
  }
});
