import { writeFileSync } from "node:fs";
import type { BenchChild } from "./child-process";

/**
 * Which phase of a benchmark run raises a server's peak: after each phase, its RSS and lifetime
 * peak (VmHWM) are noted, so the phase whose row raises VmHWM is the one that set the peak. With
 * HEAP_REPORT set and bench/heap-monitor.ts preloaded into the server, each mark also asks it for
 * its JavaScript heap figures (written to HEAP_REPORT, labelled with the phase).
 */
export interface PhaseMemory {
  mark(phase: string): void;
  lines(): string[];
}

export function phaseMemory(server: BenchChild): PhaseMemory {
  const marks: Array<{ phase: string; rss: number; hwm: number }> = [];
  const heapReport = process.env.HEAP_REPORT;
  return {
    mark(phase) {
      const memory = server.memory();
      marks.push({ phase, rss: memory?.rss ?? NaN, hwm: memory?.peak ?? NaN });
      if (heapReport) {
        writeFileSync(`${heapReport}.label`, phase);
        process.kill(server.pid, "SIGUSR2");
      }
    },
    lines() {
      const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
      let previous = 0;
      return [
        `— ${server.name}'s memory after each phase (RSS now, lifetime peak VmHWM; * = this phase raised the peak)`,
        ...marks.map(({ phase, rss, hwm }) => {
          const raised = hwm > previous;
          previous = Math.max(previous, hwm);
          return `  ${phase.padEnd(34)}${mib(rss).padStart(12)}${mib(hwm).padStart(12)}${raised ? " *" : ""}`;
        }),
      ];
    },
  };
}
