import type { RequestFeatures } from "./features";
import type { MarkerCategory } from "./markers";

/**
 * Turns features into a 0–100 difficulty score with the reason for every point that moved it.
 * An ordinary request with no signal sits at BASE (standard): economy needs evidence that the ask
 * is trivial, premium needs evidence of hard work (a hard kind of task, breadth, a failing loop).
 */
export interface ScoreResult {
  score: number;
  category: string;
  reasons: string[];
}

const BASE = 30;

/**
 * Points of a hard category by strength (distinct phrases found: 1, 2, 3+). The strongest hard
 * category counts in full; each further one adds HARD_EXTRA.
 */
const HARD_MARKERS: Partial<Record<MarkerCategory, readonly [number, number, number]>> = {
  security: [30, 34, 34],
  concurrency: [26, 32, 32],
  "elusive-bug": [24, 32, 32],
  architecture: [24, 32, 32],
  migration: [20, 26, 26],
  performance: [12, 22, 28],
  refactor: [14, 22, 22],
};
const HARD_EXTRA = 8;
const MARKER_POINTS: Partial<Record<MarkerCategory, number>> = { breadth: 8, debug: 3, test: 0, explain: 0 };
const TRIVIAL = -20;
const QUICK_QUESTION = -14;
const GRATITUDE = -30;

// Category order: the most specific kind of work names the request.
const CATEGORY_ORDER: MarkerCategory[] = ["security", "concurrency", "elusive-bug", "architecture", "migration", "performance", "refactor", "debug", "test", "explain", "trivial"];
const CATEGORY_NAMES: Partial<Record<MarkerCategory, string>> = { architecture: "design", "elusive-bug": "debug", trivial: "edit" };

export function scoreFeatures(features: RequestFeatures): ScoreResult {
  const reasons: string[] = [];
  let score = BASE;
  const add = (points: number, reason: string) => {
    if (points === 0) return;
    score += points;
    reasons.push(reason);
  };

  const hard = Object.entries(HARD_MARKERS)
    .map(([category, points]) => {
      const strength = features.markers.get(category as MarkerCategory) ?? 0;
      return { category, strength, points: strength === 0 ? 0 : points![Math.min(strength, 3) - 1]! };
    })
    .filter((marker) => marker.strength > 0)
    .sort((a, b) => b.points - a.points);
  hard.forEach((marker, index) => add(index === 0 ? marker.points : HARD_EXTRA, `marker: ${marker.category}${marker.strength > 1 ? ` ×${marker.strength}` : ""}`));
  for (const [category, points] of Object.entries(MARKER_POINTS)) {
    if (features.markers.has(category as MarkerCategory)) add(points, `marker: ${category}`);
  }
  // A trivial word inside a hard or broad request ("rename across the codebase") is not trivial.
  if (features.markers.has("trivial") && hard.length === 0) add(features.markers.has("breadth") ? TRIVIAL / 2 : TRIVIAL, "marker: trivial");
  if (features.quickQuestion) add(QUICK_QUESTION, "short question");
  if (features.gratitude) add(GRATITUDE, "acknowledgement only");

  add(sizePoints(features.taskChars), `task text ${features.taskChars} chars`);
  if (features.stackTrace) add(10, "stack trace");
  add(filePoints(features.files), `${features.files} files in context`);
  add(Math.min(features.toolDepth, 8), `tool depth ${features.toolDepth}`);
  add(Math.min(features.toolErrors * 5, 15), `${features.toolErrors} tool errors`);
  add(Math.min(features.retries * 8, 16), `${features.retries} retries`);

  return { score: Math.max(0, Math.min(100, Math.round(score))), category: categoryOf(features), reasons };
}

function sizePoints(chars: number): number {
  if (chars > 4_000) return 10;
  if (chars > 1_500) return 6;
  if (chars > 600) return 3;
  return 0;
}

function filePoints(files: number): number {
  if (files >= 8) return 14;
  if (files >= 5) return 10;
  if (files >= 3) return 5;
  if (files === 2) return 2;
  return 0;
}

function categoryOf(features: RequestFeatures): string {
  if (features.gratitude) return "chat";
  if (features.quickQuestion) return "quick-question";
  const marker = CATEGORY_ORDER.find((category) => features.markers.has(category));
  if (marker) return CATEGORY_NAMES[marker] ?? marker;
  if (features.stackTrace || features.toolErrors > 0) return "debug";
  if (features.toolDepth > 0 || features.codeBlocks > 0 || features.files > 0) return "edit";
  return "chat";
}
