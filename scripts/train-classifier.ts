import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TIERS, type Tier } from "../src/catalog/catalog-entry";
import type { ChatRequest } from "../src/chat/request-schema";
import { describeRequest } from "../src/routing/classifier/describe-request";
import { FEATURE_NAMES } from "../src/routing/classifier/features";
import type { ModelWeights } from "../src/routing/classifier/ordinal-model";
import { scoreOf } from "../src/routing/classifier/ordinal-model";
import { fitOrdinal, type TrainingRow } from "./ordinal-fit";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { loadBlindSet } from "../tests/fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Trains the classifier's ordinal logistic regression on labelled dev cases and writes
 * src/routing/classifier/model-weights.json. Never reads the blind test split.
 *
 *   bun run scripts/train-classifier.ts [--dry-run] [--misses]
 *
 * `--misses` lists the blind dev cases the cross-validated model gets wrong (never test cases).
 *
 * - Training cases: the blind batches' dev split, plus the first set at half weight (a different
 *   author, so it adds variety; its old "test" split leaked into the old rules and is no held-out
 *   set any more). Background calls and autocomplete are left out: rules decide them.
 * - The L2 strength is chosen by 5-fold cross-validation over the blind dev cases (folds by a hash
 *   of the id); the first set is in every training fold and never scored.
 * - Phrase dropout: a writer the phrase lists have never seen uses words they do not know (on the
 *   first look at the frozen test split, economy and premium asks without a known phrase were
 *   where accuracy went). Each training row is repeated with its phrase features (PHRASE_FEATURES)
 *   zeroed with probability PHRASE_DROPOUT, so the structural features
 *   (length, tool loop, question form, …) learn to carry the decision too, and cross-validation
 *   scores each held-out case both as written and with phrases dropped.
 * - The tier thresholds are chosen on the out-of-fold scores, minimising a cost that makes premium
 *   work sent to economy the dearest mistake (the rubric's first tie-breaker).
 */
const FOLDS = 5;
const LAMBDAS = [0.03, 0.1, 0.3, 1, 3, 10];
const FIRST_SET_WEIGHT = 0.5;
const TOLERANCE = 1.05;
const PHRASE_DROPOUT = 0.3;
const COPIES = 4;
/** cost[label][predicted]. */
const COST: Record<Tier, Record<Tier, number>> = {
  economy: { economy: 0, standard: 1, premium: 2.5 },
  standard: { economy: 1.5, standard: 0, premium: 1 },
  premium: { economy: 8, standard: 1.5, premium: 0 },
};
const dryRun = process.argv.includes("--dry-run");
const showMisses = process.argv.includes("--misses");

interface Row extends TrainingRow {
  id: string;
  fold: number;
  blind: boolean;
}

function rowsOf(cases: EvalCase[], blind: boolean): Row[] {
  const rows: Row[] = [];
  for (const evalCase of cases) {
    if (evalCase.stage === "background" || evalCase.stage === "autocomplete") continue;
    const description = describeRequest(evalCase.request as ChatRequest);
    if (description.background) continue;
    rows.push({
      id: evalCase.id,
      label: TIERS.indexOf(evalCase.label),
      weight: blind ? 1 : FIRST_SET_WEIGHT,
      values: FEATURE_NAMES.map((name) => description.vector[name]),
      fold: createHash("sha256").update(`fold:${evalCase.id}`).digest().readUInt32BE(0) % FOLDS,
      blind,
    });
  }
  return rows;
}

/**
 * The phrase features dropout applies to: kinds of work and questions. Trivial edits, chores,
 * acknowledgements and go-aheads keep theirs: without a known phrase the rubric's fallback for a
 * short request for work is standard (economy needs evidence), and dropping them would teach the
 * model that any short imperative is economy.
 */
const KEPT = new Set(["latest:trivial-edit", "latest:vcs-chore", "latest:acknowledgement", "latest:greeting", "latest:go-ahead", "latest:retry"]);
const PHRASE_FEATURES = new Set(
  FEATURE_NAMES.flatMap((name, index) => ((name.startsWith("task:") || name.startsWith("latest:") || name.startsWith("session:hard")) && !KEPT.has(name) ? [index] : [])),
);
const unit = (seed: string) => createHash("sha256").update(seed).digest().readUInt32BE(0) / 2 ** 32;

/** The row with each phrase feature dropped with probability PHRASE_DROPOUT (deterministic per seed). */
function dropPhrases(row: Row, seed: string): Row {
  return { ...row, values: row.values.map((value, index) => (PHRASE_FEATURES.has(index) && unit(`${seed}:${row.id}:${index}`) < PHRASE_DROPOUT ? 0 : value)) };
}

/** Each row as written plus COPIES with phrases dropped, weighted to sum to the row's weight. */
function augment(rows: Row[]): Row[] {
  return rows.flatMap((row) => [row, ...Array.from({ length: COPIES }, (_, copy) => dropPhrases(row, `train:${copy}`))].map((variant) => ({ ...variant, weight: row.weight / (COPIES + 1) })));
}

const blindDev = rowsOf(
  loadBlindSet().filter((evalCase) => evalCase.split === "dev"),
  true,
);
const firstSet = rowsOf(loadEvalSet(), false);
const all = [...blindDev, ...firstSet];

/** Held-out rows as written and with phrases dropped (the "unseen words" copy has id `<id>#dropped`). */
const heldOut = [...blindDev, ...blindDev.map((row) => ({ ...dropPhrases(row, "evaluate"), id: `${row.id}#dropped` }))];

/** Out-of-fold scores for the held-out rows. */
function crossValidate(lambda: number): Map<string, number> {
  const scores = new Map<string, number>();
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = fitOrdinal(augment(all.filter((row) => !(row.blind && row.fold === fold))), lambda);
    for (const row of heldOut.filter((candidate) => candidate.fold === fold)) scores.set(row.id, scoreOf(model.linear(row.values), model));
  }
  return scores;
}

function tierAt(score: number, thresholds: { standard: number; premium: number }): number {
  return score >= thresholds.premium ? 2 : score >= thresholds.standard ? 1 : 0;
}

function cost(scores: Map<string, number>, thresholds: { standard: number; premium: number }, rows: Row[] = heldOut): { cost: number; correct: number } {
  let total = 0;
  let correct = 0;
  for (const row of rows) {
    const predicted = tierAt(scores.get(row.id)!, thresholds);
    total += COST[TIERS[row.label]!][TIERS[predicted]!];
    if (predicted === row.label) correct++;
  }
  return { cost: total, correct };
}

/**
 * The cheapest pair of thresholds. Many pairs tie (scores are sparse between the classes); the
 * middle of the tied region is chosen, so a new case near a boundary is not decided by an edge.
 */
function bestThresholds(scores: Map<string, number>): { standard: number; premium: number; cost: number; correct: number } {
  let lowest = Number.POSITIVE_INFINITY;
  let tied: { standard: number; premium: number; cost: number; correct: number }[] = [];
  for (let standard = 1; standard < 99; standard++) {
    for (let premium = standard + 1; premium <= 99; premium++) {
      const result = { standard, premium, ...cost(scores, { standard, premium }) };
      if (result.cost < lowest - 1e-9) {
        lowest = result.cost;
        tied = [result];
      } else if (Math.abs(result.cost - lowest) <= 1e-9) tied.push(result);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const middle = { standard: median(tied.map((pair) => pair.standard)), premium: median(tied.map((pair) => pair.premium)) };
  return tied.find((pair) => pair.standard === middle.standard && pair.premium === middle.premium) ?? tied[Math.floor(tied.length / 2)]!;
}

console.log(`training rows: ${blindDev.length} blind dev + ${firstSet.length} first set (weight ${FIRST_SET_WEIGHT}); ${FEATURE_NAMES.length} features`);
const candidates = LAMBDAS.map((lambda) => {
  const scores = crossValidate(lambda);
  const best = bestThresholds(scores);
  const written = cost(scores, best, blindDev).correct;
  const dropped = best.correct - written;
  const percent = (count: number) => `${((100 * count) / blindDev.length).toFixed(1)}%`;
  console.log(`  λ ${String(lambda).padEnd(4)} cross-validated: as written ${percent(written)}, phrases dropped ${percent(dropped)}; cost ${best.cost.toFixed(1)}, thresholds ${best.standard}/${best.premium}`);
  return { lambda, scores, ...best };
});
// The strongest regularisation within 5% of the lowest cost: the cross-validation itself is
// optimistic (the phrase lists were written looking at dev cases), so lean towards simpler weights.
const lowestCost = Math.min(...candidates.map((candidate) => candidate.cost));
const chosen = candidates.filter((candidate) => candidate.cost <= lowestCost * TOLERANCE).at(-1)!;
const chosenScores = chosen.scores;

const confusion = TIERS.map(() => TIERS.map(() => 0));
for (const row of blindDev) confusion[row.label]![tierAt(chosenScores.get(row.id)!, chosen)]!++;
console.log(`chosen λ ${chosen.lambda}, thresholds standard ${chosen.standard} premium ${chosen.premium}; out-of-fold confusion (label rows × predicted columns, economy/standard/premium):`);
for (const [index, row] of confusion.entries()) console.log(`  ${TIERS[index]!.padEnd(9)} ${row.map((count) => String(count).padStart(4)).join("")}`);

if (showMisses) {
  for (const row of blindDev) {
    const predicted = tierAt(chosenScores.get(row.id)!, chosen);
    if (predicted !== row.label) console.log(`  out-of-fold miss ${row.id}: ${TIERS[row.label]} → ${TIERS[predicted]} (score ${chosenScores.get(row.id)!.toFixed(0)})`);
  }
}

const final = fitOrdinal(augment(all), chosen.lambda);
const round = (value: number) => Math.round(value * 1000) / 1000;
const weights: ModelWeights = {
  features: [...FEATURE_NAMES],
  weights: final.weights.map(round),
  cutpoints: [round(final.cutpoints[0]), round(final.cutpoints[1])],
  thresholds: { standard: chosen.standard, premium: chosen.premium },
  training: {
    script: "scripts/train-classifier.ts",
    rows: { blindDev: blindDev.length, firstSet: firstSet.length, firstSetWeight: FIRST_SET_WEIGHT },
    lambda: chosen.lambda,
    phraseDropout: PHRASE_DROPOUT,
    crossValidatedAccuracy: round(cost(chosenScores, chosen, blindDev).correct / blindDev.length),
  },
};
console.log("weights (largest first):");
for (const [name, weight] of FEATURE_NAMES.map((name, index) => [name, weights.weights[index]!] as const).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))) {
  console.log(`  ${name.padEnd(26)} ${weight >= 0 ? " " : ""}${weight.toFixed(3)}`);
}
console.log(`cut points ${weights.cutpoints.join(", ")}`);
if (!dryRun) {
  const path = join(import.meta.dir, "..", "src", "routing", "classifier", "model-weights.json");
  writeFileSync(path, `${JSON.stringify(weights, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
