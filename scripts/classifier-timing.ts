import { type ChatRequest, chatRequestSchema } from "../src/chat/request-schema";
import { classifyRequest } from "../src/routing/classifier/classify-request";
import { aiderRequest } from "../tests/fixtures/routing-eval/builders/aider-request";
import { claudeCodeTask } from "../tests/fixtures/routing-eval/builders/claude-code-request";
import { clineTask } from "../tests/fixtures/routing-eval/builders/cline-request";
import { type Step, edit, read, run, sample, search } from "../tests/fixtures/routing-eval/builders/eval-case";
import { expandPlaceholders } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Time per classifyRequest call for a ~10 KB request (aider: system prompt, repo map, a file, a
 * request) and two ~200 KB ones: Claude Code (30 KB of system prompt and tools, an earlier
 * exchange, then a long tool loop of file reads, test runs with failures and edits) and Cline
 * (20 KB system prompt, the same loop as XML tool uses and "[tool] Result:" user turns).
 *
 *   bun run scripts/classifier-timing.ts
 */
const ITERATIONS = 5_000;
const WARM_UP = 500;
const TASK = "Customers are sometimes charged twice. Find the race between the webhook and the sync worker and fix it properly.";
const SAMPLES = ["cc-orders-route.ts", "cc-pool.ts", "cc-webhooks.ts", "cc-sync-worker.ts", "cc-money.ts", "cc-auth-middleware.ts", "cc-invoice-mailer.ts"];

function parse(raw: Record<string, unknown>): ChatRequest {
  return chatRequestSchema.parse(expandPlaceholders(raw));
}

function smallRequest(): ChatRequest {
  return parse(
    aiderRequest({
      id: "timing-small",
      label: "standard",
      note: "",
      files: [{ path: "billing/core/invoice.py", content: sample("py-invoice.py") }],
      request: "add a due_on date to Invoice that defaults to issued_on + 14 days",
    }).request,
  );
}

/** One round of an agent loop: read a file, grep, run the tests (every third run fails), edit. */
function loopRound(round: number): Step[] {
  const name = SAMPLES[round % SAMPLES.length]!;
  const failed = round % 3 === 0;
  return [
    read(`src/module-${round}/${name}`, sample(name)),
    search(`export function \\w+${round}`, `src/module-${round}/index.ts:${round + 3}:export function handler${round}(request: Request) {`),
    run("npx vitest run", failed ? ` FAIL  tests/module-${round}.test.ts > handles ${round}\nAssertionError: expected 1 to be 2\n ❯ tests/module-${round}.test.ts:12:5` : " ✓ 48 tests passed", { failed }),
    edit(`src/module-${round}/index.ts`, `return ${round};`, `return ${round + 1};`),
  ];
}

/** Grows the loop until the serialized request reaches the target size. */
function loopRequest(targetChars: number, build: (steps: Step[]) => Record<string, unknown>): ChatRequest {
  const steps: Step[] = [];
  let request: ChatRequest | undefined;
  for (let round = 0; !request || JSON.stringify(request).length < targetChars; round++) {
    steps.push(...loopRound(round));
    request = parse(build(steps));
  }
  return request;
}

const claudeCodeLoop = (steps: Step[]) =>
  claudeCodeTask({ id: "timing-claude-code", label: "premium", note: "", task: TASK, history: [{ user: "add pagination to GET /orders", assistant: "Added page and pageSize with a hasMore flag." }], steps }).request;
const clineLoop = (steps: Step[]) => clineTask({ id: "timing-cline", label: "premium", note: "", task: TASK, steps }).request;

/**
 * Wall-clock p50/p99 per call, and process CPU time per call over the whole run: on a busy machine
 * the wall-clock tail measures the scheduler; CPU time includes the garbage collector's threads.
 */
function measure(request: ChatRequest): { mean: number; p50: number; p99: number; cpuMean: number } {
  for (let index = 0; index < WARM_UP; index++) classifyRequest(request);
  const times = new Float64Array(ITERATIONS);
  const cpuStart = process.cpuUsage();
  for (let index = 0; index < ITERATIONS; index++) {
    const start = performance.now();
    classifyRequest(request);
    times[index] = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  times.sort();
  const mean = times.reduce((sum, time) => sum + time, 0) / ITERATIONS;
  return { mean, p50: times[Math.floor(ITERATIONS * 0.5)]!, p99: times[Math.floor(ITERATIONS * 0.99)]!, cpuMean: (cpu.user + cpu.system) / 1000 / ITERATIONS };
}

const microseconds = (milliseconds: number) => `${(milliseconds * 1000).toFixed(1)} µs`;
const requests: [string, ChatRequest][] = [
  ["~10 KB (aider)", smallRequest()],
  ["~200 KB (Claude Code loop)", loopRequest(200_000, claudeCodeLoop)],
  ["~200 KB (Cline loop)", loopRequest(200_000, clineLoop)],
];
for (const [name, request] of requests) {
  const size = JSON.stringify(request).length;
  const { mean, p50, p99, cpuMean } = measure(request);
  const result = classifyRequest(request);
  console.log(
    `${name}: ${(size / 1024).toFixed(0)} KB, ${request.messages.length} messages → ${result.tier} (${result.score}); wall mean ${microseconds(mean)}, p50 ${microseconds(p50)}, p99 ${microseconds(p99)}; CPU ${microseconds(cpuMean)} per call (${ITERATIONS} calls)`,
  );
}
