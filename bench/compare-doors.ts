import type { BenchChild } from "./child-process";
import { type DoorScenario, doorScenarios, openaiDoorScenario } from "./door-scenarios";
import { type LoadResult, mergeResults, percentile, runLoad } from "./load";

/**
 * Each door of door-scenarios.ts against the OpenAI door, on the same proxy and the same mock
 * upstream: non-streaming requests one at a time, then streams at concurrency 64, in rounds run in
 * A-B-B-A order. What a door adds is the difference of the two: its translation on the way in, its
 * encoder on the way out.
 */
const plan = {
  warmup: { nonStream: 200, streams: 64 },
  c1: { requests: 240, concurrency: 1, stream: false },
  stream: { requests: 384, concurrency: 64, stream: true },
  rounds: 4,
};

interface Sides {
  door: LoadResult;
  openai: LoadResult;
  /** The proxy's CPU time per completed request, ms, for each door. */
  cpuPerRequestMs: { door: number; openai: number };
}

export interface DoorComparison {
  door: string;
  c1: Sides;
  stream: Sides;
}

function load(proxy: BenchChild, scenario: DoorScenario, shape: { requests: number; concurrency: number; stream: boolean }, timeCapMs: number) {
  return runLoad(
    {
      url: `${proxy.origin}${scenario.path}`,
      body: shape.stream ? scenario.bodies.stream : scenario.bodies.nonStream,
      headers: scenario.headers,
      isAnswer: scenario.isAnswer,
      isCompleteStream: scenario.isCompleteStream,
      ...shape,
      timeCapMs,
    },
    shape.stream,
  );
}

async function phase(proxy: BenchChild, scenario: DoorScenario, shape: { requests: number; concurrency: number; stream: boolean }, capMs: number): Promise<Sides> {
  const round = { ...shape, requests: Math.ceil(shape.requests / plan.rounds) };
  const runs: { door: LoadResult[]; openai: LoadResult[] } = { door: [], openai: [] };
  const cpu = { door: 0, openai: 0 };
  const deadline = performance.now() + capMs;
  for (let index = 0; index < plan.rounds; index++) {
    const order: Array<"door" | "openai"> = index % 2 === 0 ? ["door", "openai"] : ["openai", "door"];
    for (const side of order) {
      const before = proxy.cpuMs();
      runs[side].push(await load(proxy, side === "door" ? scenario : openaiDoorScenario, round, Math.max(0, deadline - performance.now()) / 2));
      cpu[side] += proxy.cpuMs() - before;
    }
  }
  const door = mergeResults(runs.door);
  const openai = mergeResults(runs.openai);
  return { door, openai, cpuPerRequestMs: { door: cpu.door / Math.max(1, door.completed), openai: cpu.openai / Math.max(1, openai.completed) } };
}

export async function compareDoors(proxy: BenchChild, capMs: number): Promise<DoorComparison[]> {
  const comparisons: DoorComparison[] = [];
  for (const scenario of doorScenarios) {
    for (const each of [scenario, openaiDoorScenario]) {
      await load(proxy, each, { requests: plan.warmup.nonStream, concurrency: 32, stream: false }, capMs);
      await load(proxy, each, { requests: plan.warmup.streams, concurrency: 64, stream: true }, capMs);
    }
    comparisons.push({ door: scenario.name, c1: await phase(proxy, scenario, plan.c1, capMs), stream: await phase(proxy, scenario, plan.stream, capMs) });
  }
  return comparisons;
}

export function reportDoors(comparisons: DoorComparison[]): void {
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
  const row = (label: string, door: string, openai: string, added = "") => console.log(`${label.padEnd(36)}${door.padStart(12)}${openai.padStart(12)}${added.padStart(16)}`);
  for (const { door, c1, stream } of comparisons) {
    console.log("");
    row(`— the ${door} door vs the OpenAI door`, door, "openai", "added");
    const lines: Array<[string, Sides, (result: LoadResult) => number[]]> = [
      ["non-stream latency @c=1", c1, (result) => result.latencies],
      ["stream time to first byte @c=64", stream, (result) => result.ttfbs],
      ["stream time to last byte @c=64", stream, (result) => result.latencies],
    ];
    for (const [label, pair, pick] of lines) {
      for (const p of [50, 99]) {
        const [a, b] = [percentile(pick(pair.door), p), percentile(pick(pair.openai), p)];
        row(`  ${label} p${p}`, ms(a), ms(b), ms(a - b));
      }
    }
    for (const [label, pair] of [["non-stream", c1], ["stream", stream]] as const) {
      row(`  proxy CPU per request, ${label}`, ms(pair.cpuPerRequestMs.door), ms(pair.cpuPerRequestMs.openai), ms(pair.cpuPerRequestMs.door - pair.cpuPerRequestMs.openai));
    }
    const failed = [c1.door, c1.openai, stream.door, stream.openai].reduce((sum, result) => sum + result.failed, 0);
    const first = [c1.door, c1.openai, stream.door, stream.openai].find((result) => result.firstFailure)?.firstFailure;
    row("  completed / failed", `${c1.door.completed + stream.door.completed}/${c1.door.failed + stream.door.failed}`, `${c1.openai.completed + stream.openai.completed}/${c1.openai.failed + stream.openai.failed}`);
    if (failed > 0) console.log(`! ${door} door comparison: ${failed} failed — first failure: ${first}`);
  }
}
