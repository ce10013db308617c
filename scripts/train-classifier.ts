import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TIERS } from "../src/catalog/catalog-entry";
import { FEATURE_NAMES } from "../src/routing/classifier/features";
import type { ModelWeights } from "../src/routing/classifier/ordinal-model";
import { TRAINING_BATCHES, loadBlindSet } from "../tests/fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";
import { FIRST_SET_WEIGHT, PHRASE_DROPOUT, type Row, rowsOf, scoreRow, tierAt, train } from "./classifier-training";

/**
 * Trains the classifier's ordinal logistic regression on every labelled batch and writes
 * src/routing/classifier/model-weights.json (procedure: classifier-training.ts).
 *
 *   bun run scripts/train-classifier.ts [--dry-run]
 *
 * - Rows: every blind batch in TRAINING_BATCHES (each was scored as fresh once before it was
 *   trained on), plus the first set at half weight. Background calls and autocomplete are left out:
 *   rules decide them.
 * - λ and the tier thresholds: leave-one-batch-out over those batches.
 * - What to expect on a new batch: scripts/classifier-cross-validation.ts runs this whole procedure
 *   once per batch with that batch left out.
 */
const dryRun = process.argv.includes("--dry-run");

const blindRows: Row[] = TRAINING_BATCHES.flatMap((batch) => rowsOf(loadBlindSet([batch]), batch));
const firstSet = rowsOf(loadEvalSet(), "first", FIRST_SET_WEIGHT);
const rows = [...blindRows, ...firstSet];
console.log(`training rows: ${blindRows.length} from blind batches ${TRAINING_BATCHES.join(", ")} + ${firstSet.length} first set (weight ${FIRST_SET_WEIGHT}); ${FEATURE_NAMES.length} features`);
const trained = train(rows, PHRASE_DROPOUT, console.log);
console.log(`chosen λ ${trained.lambda}, thresholds standard ${trained.thresholds.standard} premium ${trained.thresholds.premium}`);

const confusion = TIERS.map(() => TIERS.map(() => 0));
for (const row of blindRows) confusion[row.label]![tierAt(scoreRow(trained.model, row.values), trained.thresholds)]!++;
console.log("fit on the blind rows it was trained on (label rows × predicted columns, economy/standard/premium):");
for (const [index, row] of confusion.entries()) console.log(`  ${TIERS[index]!.padEnd(9)} ${row.map((count) => String(count).padStart(4)).join("")}`);

const round = (value: number) => Math.round(value * 1000) / 1000;
const chosen = trained.candidates.find((candidate) => candidate.lambda === trained.lambda)!;
const weights: ModelWeights = {
  features: [...FEATURE_NAMES],
  weights: trained.model.weights.map(round),
  cutpoints: [round(trained.model.cutpoints[0]), round(trained.model.cutpoints[1])],
  thresholds: trained.thresholds,
  training: {
    script: "scripts/train-classifier.ts",
    rows: { blind: Object.fromEntries(TRAINING_BATCHES.map((batch) => [batch, blindRows.filter((row) => row.batch === batch).length])), firstSet: firstSet.length, firstSetWeight: FIRST_SET_WEIGHT },
    lambda: trained.lambda,
    phraseDropout: PHRASE_DROPOUT,
    outOfBatchAccuracy: round(chosen.accuracy),
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
