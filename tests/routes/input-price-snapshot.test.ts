import { expect, test } from "bun:test";
import type { PipelineDeps } from "../../src/pipeline/context";
import { inputPriceOf } from "../../src/routes/dashboard/input-price";

/**
 * What compression saved is priced at the serving model's input price. A dated snapshot name
 * (`claude-haiku-4-5-20251001`) is neither a directory model nor a catalog entry; it is priced as
 * the listed model it stands for, as its requests are (routing/model-directory.ts).
 */
test("a dated snapshot is priced at its listed model's input price", () => {
  const pipeline = {
    directory: { find: () => undefined, snapshotOf: (provider: string, model: string) => (provider === "anthropic" && model === "claude-haiku-4-5-20251001" ? { entry: { input: 1 } } : undefined) },
    catalog: { get: () => undefined },
  } as unknown as Pick<PipelineDeps, "directory" | "catalog">;
  expect(inputPriceOf(pipeline)("anthropic", "claude-haiku-4-5-20251001")).toBe(1);
  expect(inputPriceOf(pipeline)("anthropic", "claude-sonnet-9-9")).toBeUndefined();
});
