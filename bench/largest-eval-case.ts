import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The largest request of blind routing-eval batch a (a ~44 KB Claude Code turn with its tools, by
 * JSON length): the benchmarks' "large" body, one definition for every script that uses it.
 */
export function largestEvalCase(): Record<string, unknown> {
  const lines = readFileSync(join(import.meta.dir, "..", "tests", "fixtures", "routing-eval", "blind", "a", "cases.jsonl"), "utf8").split("\n").filter(Boolean);
  const requests = lines.map((line) => (JSON.parse(line) as { request: Record<string, unknown> }).request);
  return requests.reduce((largest, request) => (JSON.stringify(request).length > JSON.stringify(largest).length ? request : largest));
}
