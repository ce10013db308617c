import { agentRequestBodies } from "./agent-requests";
import { benchBody } from "./bench-question";
import { largestEvalCase } from "./largest-eval-case";

/**
 * Request bodies for the classifier's benchmarks by kind: "bench" (the benchmark's ~1 KB question),
 * "eval44" (the largest routing-eval case, ~44 KB) or "<client>:<bytes>" (an agent request of that
 * client and size, agent-requests.ts); each call a new one.
 */
export function classifierBodies(kind: string): () => string {
  if (kind === "bench") return () => benchBody();
  if (kind === "eval44") {
    const largest = largestEvalCase();
    let sequence = 0;
    return () => JSON.stringify({ ...largest, model: "auto", user: `question ${++sequence}` });
  }
  const [client, size] = kind.split(":");
  return agentRequestBodies(client as "claude-code" | "cline", Number(size));
}
