import { BACKGROUND_KINDS, type BackgroundKind } from "./background-kind";
import type { Concept } from "./concepts";
import { FEATURE_NAMES } from "./features";
import type { Contribution } from "./ordinal-model";

/**
 * The task categories the classifier emits. Success rates (routing/success-rates.ts) are kept per
 * (category, model), the request log stores the category, and feedback on a task lands in its
 * category, so this closed list is the vocabulary of learning from use.
 */
export const WORK_CATEGORIES = [
  "concurrency",
  "security",
  "memory-safety",
  "distributed",
  "algorithm",
  "design",
  "review",
  "refactor",
  "performance",
  "debug",
  "tests",
  "explain",
  "edit",
  "question",
  "chat",
  "general",
] as const;
export type WorkCategory = (typeof WORK_CATEGORIES)[number];
export type Category = WorkCategory | `background:${BackgroundKind}`;
/** Every category the classifier can emit. */
export const CATEGORIES: readonly Category[] = [...WORK_CATEGORIES, ...BACKGROUND_KINDS.map((kind) => `background:${kind}` as const)];

const BY_CONCEPT: Partial<Record<Concept, WorkCategory>> = {
  concurrency: "concurrency",
  security: "security",
  crypto: "security",
  "memory-safety": "memory-safety",
  distributed: "distributed",
  "hard-algorithm": "algorithm",
  design: "design",
  breadth: "refactor",
  performance: "performance",
  elusive: "debug",
  symptom: "debug",
  debug: "debug",
  tests: "tests",
  explain: "explain",
  "trivial-edit": "edit",
  "vcs-chore": "edit",
  lookup: "question",
  "how-to": "question",
  greeting: "chat",
  acknowledgement: "chat",
  review: "review",
};

/** Each task: and latest: feature's category, if its concept names one: found once, not per request. */
const BY_FEATURE = new Map<string, WorkCategory>();
for (const feature of FEATURE_NAMES) {
  if (!feature.startsWith("task:") && !feature.startsWith("latest:")) continue;
  const category = BY_CONCEPT[feature.slice(feature.indexOf(":") + 1) as Concept];
  if (category) BY_FEATURE.set(feature, category);
}

/** The kind of work that moved the decision most, among the features that name one. */
export function categoryOf(contributions: Contribution[], failing: boolean): WorkCategory {
  for (const { feature } of contributions) {
    const category = BY_FEATURE.get(feature);
    if (category) return category;
  }
  return failing ? "debug" : "general";
}
