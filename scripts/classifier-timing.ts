import { type ChatRequest, chatRequestSchema } from "../src/chat/request-schema";
import { classifyRequest } from "../src/routing/classifier/classify-request";
import { aiderRequest } from "../tests/fixtures/routing-eval/builders/aider-request";
import { claudeCodeTask } from "../tests/fixtures/routing-eval/builders/claude-code-request";
import { type Step, edit, read, run, sample, search } from "../tests/fixtures/routing-eval/builders/eval-case";
import { expandPlaceholders } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Time per classifyRequest call for a ~10 KB request (aider: system prompt, repo map, two files,
 * a request) and a ~200 KB one (Claude Code: 30 KB of system prompt and tools, then a long tool
 * loop of file reads, test runs with failures and edits).
 *
 *   bun run scripts/classifier-timing.ts
 */
const ITERATIONS = 5_000;
const WARM_UP = 500;

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
      repoMap: true,
    }).request,
  );
}

function largeRequest(targetChars: number): ChatRequest {
  const samples = ["cc-orders-route.ts", "cc-pool.ts", "cc-webhooks.ts", "cc-sync-worker.ts", "cc-money.ts", "cc-auth-middleware.ts", "cc-invoice-mailer.ts"];
  const steps: Step[] = [];
  let request: ChatRequest | undefined;
  for (let round = 0; !request || JSON.stringify(request).length < targetChars; round++) {
    const name = samples[round % samples.length]!;
    steps.push(read(`src/module-${round}/${name.replace(".txt", "")}`, sample(name)));
    steps.push(search(`export function \\w+${round}`, `src/module-${round}/index.ts:${round + 3}:export function handler${round}(request: Request) {`));
    steps.push(run("npx vitest run", round % 3 === 0 ? ` FAIL  tests/module-${round}.test.ts > handles ${round}\nAssertionError: expected 1 to be 2\n ❯ tests/module-${round}.test.ts:12:5` : " ✓ 48 tests passed", { failed: round % 3 === 0 }));
    steps.push(edit(`src/module-${round}/index.ts`, `return ${round};`, `return ${round + 1};`));
    request = parse(
      claudeCodeTask({
        id: "timing-large",
        label: "premium",
        note: "",
        task: "Customers are sometimes charged twice. Find the race between the webhook and the sync worker and fix it properly.",
        history: [{ user: "add pagination to GET /orders", assistant: "Added page and pageSize with a hasMore flag." }],
        steps,
      }).request,
    );
  }
  return request;
}

/**
 * Wall-clock p50/p99 per call, and CPU time per call averaged over batches: on a busy machine
 * the wall-clock tail measures the scheduler, the CPU time measures the classifier.
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
for (const [name, request] of [["~10 KB (aider)", smallRequest()], ["~200 KB (Claude Code loop)", largeRequest(200_000)]] as const) {
  const size = JSON.stringify(request).length;
  const { mean, p50, p99, cpuMean } = measure(request);
  const result = classifyRequest(request);
  console.log(`${name}: ${(size / 1024).toFixed(0)} KB, ${request.messages.length} messages → ${result.tier} (${result.score}); wall mean ${microseconds(mean)}, p50 ${microseconds(p50)}, p99 ${microseconds(p99)}; CPU ${microseconds(cpuMean)} per call (${ITERATIONS} calls)`);
}
