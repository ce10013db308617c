import { expect, test } from "bun:test";
import { closestNames } from "../../src/routing/closest-names";

const names = ["gpt-4o-mini", "gpt-4o", "claude-haiku-4-5", "claude-sonnet-5-5", "gemini-2.5-flash", "economy", "standard", "premium", "auto"];

test("suggests close names best first, by edit distance or as a longer name containing it", () => {
  expect(closestNames("gpt-4o-mnii", names, 3)).toEqual(["gpt-4o-mini"]);
  expect(closestNames("gpt-4", names, 3)).toEqual(["gpt-4o", "gpt-4o-mini"]);
  expect(closestNames("haiku", names, 3)).toEqual(["claude-haiku-4-5"]);
  expect(closestNames("GEMINI-2.5-FLASH", names, 3)).toEqual(["gemini-2.5-flash"]);
  expect(closestNames("something-else-entirely", names, 3)).toEqual([]);
});

test("a name of a million characters costs no more than a short one: no candidate is near it, none is compared", () => {
  const huge = "gpt-4o-mini".repeat(100_000);
  const started = performance.now();
  expect(closestNames(huge, names, 3)).toEqual([]);
  // Before, the edit distance ran over every character of the name for every candidate: 2.7–3.8 s.
  expect(performance.now() - started).toBeLessThan(250);
});
