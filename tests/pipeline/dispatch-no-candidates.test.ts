import { expect, test } from "bun:test";
import { ProxyError } from "../../src/errors";
import type { PipelineContext, PipelineDeps } from "../../src/pipeline/context";
import { dispatch } from "../../src/pipeline/stages/dispatch";

/**
 * When no candidate is even tried (the route has none, or every one's circuit is open), dispatch
 * answers 503 no_candidates; the error is made then, not up front for every request.
 */
const candidate = (model: string) => ({ provider: { id: "openai", displayName: "OpenAI", capabilities: {} }, model });

async function failure(candidates: unknown[], open: boolean): Promise<unknown> {
  const context = { route: { candidates }, attempts: [] } as unknown as PipelineContext;
  const deps = { routing: { breakers: { tryAcquire: () => !open } } } as unknown as PipelineDeps;
  try {
    await dispatch(context, deps);
  } catch (error) {
    return { error, attempts: context.attempts };
  }
  throw new Error("dispatch did not fail");
}

test("a route without candidates is a 503 no_candidates", async () => {
  const { error, attempts } = (await failure([], false)) as { error: ProxyError; attempts: unknown[] };
  expect(error).toBeInstanceOf(ProxyError);
  expect(error.status).toBe(503);
  expect(error.code).toBe("no_candidates");
  expect(error.message).toBe("No model is available to serve this request.");
  expect(attempts).toEqual([]);
});

test("every circuit open is a 503 no_candidates, each skipped candidate recorded", async () => {
  const { error, attempts } = (await failure([candidate("a"), candidate("b")], true)) as { error: ProxyError; attempts: unknown[] };
  expect(error.status).toBe(503);
  expect(error.code).toBe("no_candidates");
  expect(attempts).toEqual([
    { provider: "openai", model: "a", error: "circuit open" },
    { provider: "openai", model: "b", error: "circuit open" },
  ]);
});
