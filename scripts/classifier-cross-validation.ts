import { TIERS, type Tier } from "../src/catalog/catalog-entry";
import type { ChatRequest } from "../src/chat/request-schema";
import { FEATURE_NAMES } from "../src/routing/classifier/features";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { costSaving } from "../tests/fixtures/routing-eval/cost-saving";
import { evaluate } from "../tests/fixtures/routing-eval/evaluate";
import { TRAINING_BATCHES, loadBlindSet } from "../tests/fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";
import { FIRST_SET_WEIGHT, PHRASE_DROPOUT, type Row, modelValues, rowsOf, scoreRow, tierAt, train } from "./classifier-training";

/**
 * Leave-one-batch-out: for each blind batch, the whole training procedure (λ and thresholds chosen
 * by leave-one-batch-out over the other batches, then a fit) runs without it, and the batch is
 * classified as the router would (background rules, then the fitted model). A batch written by
 * other hands is what a fresh batch looks like, so these are the figures to expect on one.
 *
 *   bun run scripts/classifier-cross-validation.ts [--dropout 0.3] [--misses BATCH]
 *
 * `--misses BATCH` lists that batch's held-out mistakes (for batches already used for tuning).
 */
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dropout = Number(option("--dropout") ?? PHRASE_DROPOUT);
const missesOf = option("--misses");

const byBatch = new Map(TRAINING_BATCHES.map((batch) => [batch, loadBlindSet([batch])]));
const rowsByBatch = new Map([...byBatch].map(([batch, cases]) => [batch, rowsOf(cases, batch)]));
const firstSet = rowsOf(loadEvalSet(), "first", FIRST_SET_WEIGHT);
const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

console.log(`leave-one-batch-out over ${TRAINING_BATCHES.join(", ")} (+ first set at weight ${FIRST_SET_WEIGHT} in every training fold); phrase dropout ${dropout}; ${FEATURE_NAMES.length} features`);
const pooled: { evalCase: EvalCase; predicted: Tier }[] = [];
for (const [batch, cases] of byBatch) {
  const trainingRows: Row[] = [...firstSet, ...[...rowsByBatch].filter(([other]) => other !== batch).flatMap(([, rows]) => rows)];
  const trained = train(trainingRows, dropout);
  const scores = new Map(cases.map((evalCase) => {
    // Undefined: a background rule decides (economy), as in the router.
    const values = modelValues(evalCase.request as ChatRequest);
    return [evalCase.id, values && scoreRow(trained.model, values)] as const;
  }));
  const predict = (evalCase: EvalCase): Tier => {
    const score = scores.get(evalCase.id);
    return score === undefined ? "economy" : TIERS[tierAt(score, trained.thresholds)]!;
  };
  const predictions = new Map(cases.map((evalCase) => [evalCase.id, predict(evalCase)]));
  const byId = (evalCase: EvalCase) => predictions.get(evalCase.id)!;
  const report = evaluate(cases, byId);
  const saving = costSaving(cases, byId);
  for (const evalCase of cases) pooled.push({ evalCase, predicted: byId(evalCase) });
  console.log(`\n[held out: batch ${batch}, ${cases.length} cases] λ ${trained.lambda}, thresholds ${trained.thresholds.standard}/${trained.thresholds.premium}`);
  console.log(`  accuracy ${percent(report.accuracy)} (${report.count - report.misses.length}/${report.count}), premium→economy ${percent(report.premiumToEconomy)}, economy→premium ${percent(report.economyToPremium)}, saving ${percent(saving.predicted / saving.labels)} of the labels'`);
  console.log(`  label \\ predicted ${TIERS.map((tier) => tier.padStart(9)).join("")}`);
  for (const label of TIERS) console.log(`  ${label.padEnd(18)}${TIERS.map((tier) => String(report.confusion[label][tier]).padStart(9)).join("")}`);
  console.log(`  per stage: ${Object.entries(report.perStage).map(([stage, { count, correct }]) => `${stage} ${correct}/${count}`).join(", ")}`);
  if (missesOf === batch) {
    for (const miss of report.misses) {
      const score = scores.get(miss.id)?.toFixed(0) ?? "rule";
      console.log(`    miss ${miss.id} [${cases.find((evalCase) => evalCase.id === miss.id)!.stage}]: ${miss.label} → ${miss.predicted} (score ${score})`);
    }
  }
}
const all = pooled.map(({ evalCase }) => evalCase);
const predicted = new Map(pooled.map(({ evalCase, predicted }) => [evalCase.id, predicted]));
const report = evaluate(all, (evalCase) => predicted.get(evalCase.id)!);
const saving = costSaving(all, (evalCase) => predicted.get(evalCase.id)!);
console.log(`\n[all batches, each scored held out] accuracy ${percent(report.accuracy)} (${report.count - report.misses.length}/${report.count}), premium→economy ${percent(report.premiumToEconomy)}, economy→premium ${percent(report.economyToPremium)}, saving ${percent(saving.predicted / saving.labels)} of the labels'`);
for (const label of TIERS) console.log(`  ${label.padEnd(18)}${TIERS.map((tier) => String(report.confusion[label][tier]).padStart(9)).join("")}`);
