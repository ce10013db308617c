import type { BenchChild } from "./child-process";
import { type LoadOptions, type LoadResult, mergeResults, percentile, runLoad } from "./load";

/**
 * The Responses door's own cost: the same conversation sent to the same proxy through the chat
 * door (`/v1/chat/completions`) and through the Responses door (`/v1/responses`), in alternating
 * rounds, so the difference is the door's translation both ways and its event encoding (the bare
 * pass-through cannot speak Responses; the chat door's cost over bare is the main table's).
 */
export interface ScenarioReport {
  lines: string[];
  /** Every request succeeded within the time cap. */
  complete: boolean;
}

const shapes = {
  c1: { requests: 300, concurrency: 1, stream: false },
  stream: { requests: 640, concurrency: 64, stream: true },
};
const rounds = 4;

const system = "You are a careful senior engineer. Answer briefly and precisely.";
const question = `Explain what this function does and suggest one improvement:\n\n${"function add(a, b) { return a + b; }\n".repeat(20)}`;

const doors = {
  chat: {
    path: "/v1/chat/completions",
    body: (stream: boolean) => JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: system }, { role: "user", content: question }], temperature: 0.2, stream }),
    check: {},
  },
  responses: {
    path: "/v1/responses",
    body: (stream: boolean) => JSON.stringify({ model: "gpt-4o-mini", instructions: system, input: [{ role: "user", content: [{ type: "input_text", text: question }] }], temperature: 0.2, store: false, stream }),
    check: { completionMarker: '"object":"response"', streamComplete: (text: string) => text.includes("event: response.completed\n") } satisfies Partial<LoadOptions>,
  },
};
type DoorName = keyof typeof doors;

export async function runResponsesDoorScenario(proxy: BenchChild, timeCapMs: number): Promise<ScenarioReport> {
  const results = {} as Record<keyof typeof shapes, Record<DoorName, LoadResult>>;
  const cpuPerRequest = {} as Record<keyof typeof shapes, Record<DoorName, number>>;
  for (const [name, shape] of Object.entries(shapes) as Array<[keyof typeof shapes, (typeof shapes)[keyof typeof shapes]]>) {
    const runs: Record<DoorName, LoadResult[]> = { chat: [], responses: [] };
    const cpu: Record<DoorName, number> = { chat: 0, responses: 0 };
    const round = { ...shape, requests: Math.ceil(shape.requests / rounds) };
    for (let index = 0; index < rounds; index++) {
      const order: DoorName[] = index % 2 === 0 ? ["chat", "responses"] : ["responses", "chat"];
      for (const door of order) {
        const options = { url: `${proxy.origin}${doors[door].path}`, body: doors[door].body(shape.stream), ...round, timeCapMs: timeCapMs / (2 * rounds), ...doors[door].check };
        const before = proxy.cpuMs();
        runs[door].push(await runLoad(options, shape.stream));
        cpu[door] += proxy.cpuMs() - before;
      }
    }
    results[name] = { chat: mergeResults(runs.chat), responses: mergeResults(runs.responses) };
    const perRequest = (door: DoorName) => cpu[door] / Math.max(1, results[name][door].completed);
    cpuPerRequest[name] = { chat: perRequest("chat"), responses: perRequest("responses") };
  }

  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
  const row = (label: string, chat: string, responses: string, added = "") => `${label.padEnd(36)}${chat.padStart(12)}${responses.padStart(12)}${added.padStart(18)}`;
  const lines = ["", row("Responses door (same proxy)", "chat door", "responses", "responses − chat")];
  const percentiles = (label: string, pick: (result: LoadResult) => number[], phase: keyof typeof shapes) => {
    for (const p of [50, 99]) {
      const chat = percentile(pick(results[phase].chat), p);
      const responses = percentile(pick(results[phase].responses), p);
      lines.push(row(`  ${label} p${p}`, ms(chat), ms(responses), ms(responses - chat)));
    }
  };
  const cpuRow = (phase: keyof typeof shapes) =>
    lines.push(row("  proxy CPU per request", ms(cpuPerRequest[phase].chat), ms(cpuPerRequest[phase].responses), ms(cpuPerRequest[phase].responses - cpuPerRequest[phase].chat)));
  lines.push("— non-stream, concurrency 1");
  percentiles("latency", (result) => result.latencies, "c1");
  cpuRow("c1");
  lines.push(`— streaming, concurrency 64`);
  percentiles("time to first byte", (result) => result.ttfbs, "stream");
  percentiles("time to last byte", (result) => result.latencies, "stream");
  cpuRow("stream");
  let complete = true;
  for (const [phase, pair] of Object.entries(results)) {
    for (const [door, load] of Object.entries(pair)) {
      lines.push(row(`  ${phase} ${door} completed / failed`, "", `${load.completed}/${load.failed}`));
      if (load.failed > 0 || load.cappedByTime) {
        complete = false;
        lines.push(`! ${phase}/${door}: ${load.failed} failed${load.cappedByTime ? ", time cap hit" : ""}${load.firstFailure ? ` — first failure: ${load.firstFailure}` : ""}`);
      }
    }
  }
  return { lines, complete };
}
