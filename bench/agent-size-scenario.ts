import { mixedAgentBodies } from "./agent-requests";
import type { BenchChild } from "./child-process";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";

/**
 * How the proxy's cost grows with the request: agent-sized conversations (agent-requests.ts) of
 * each size, non-stream, one at a time, against the proxy and the bare pass-through in A-B-B-A
 * rounds. The added latency per size is the difference of the two medians.
 */
export const agentSizes = [10_000, 100_000, 200_000, 500_000] as const;
const requestsPerSize: Record<number, number> = { 10_000: 120, 100_000: 80, 200_000: 60, 500_000: 40 };

export interface AgentSizeResult {
  bytes: number;
  clients: string[];
  bare: LoadResult;
  proxy: LoadResult;
  addedP50Ms: number;
  /** Proxy CPU per request minus the bare pass-through's, ms. */
  addedCpuMs: number;
}

export async function runAgentSizes(servers: { bare: BenchChild; proxy: BenchChild }, phaseCapMs: number): Promise<AgentSizeResult[]> {
  const results: AgentSizeResult[] = [];
  for (const bytes of agentSizes) {
    const { body, clients } = mixedAgentBodies(bytes);
    const requests = Math.ceil(requestsPerSize[bytes]! / 4);
    const runs = { bare: [] as LoadResult[], proxy: [] as LoadResult[] };
    const cpu = { bare: 0, proxy: 0 };
    const deadline = performance.now() + phaseCapMs;
    // Warm-up at this size (JIT of the paths big bodies take).
    for (const side of ["bare", "proxy"] as const) await runLoad({ url: `${servers[side].origin}/v1/chat/completions`, body, requests: 6, concurrency: 1, timeCapMs: phaseCapMs }, false);
    for (let round = 0; round < 4; round++) {
      for (const side of round % 2 === 0 ? (["bare", "proxy"] as const) : (["proxy", "bare"] as const)) {
        const before = servers[side].cpuMs();
        runs[side].push(await runLoad({ url: `${servers[side].origin}/v1/chat/completions`, body, requests, concurrency: 1, timeCapMs: Math.max(0, deadline - performance.now()) / 2 }, false));
        cpu[side] += servers[side].cpuMs() - before;
      }
    }
    const bare = mergeResults(runs.bare);
    const proxy = mergeResults(runs.proxy);
    results.push({
      bytes,
      clients,
      bare,
      proxy,
      addedP50Ms: percentile(proxy.latencies, 50) - percentile(bare.latencies, 50),
      addedCpuMs: cpu.proxy / Math.max(1, proxy.completed) - cpu.bare / Math.max(1, bare.completed),
    });
  }
  return results;
}
