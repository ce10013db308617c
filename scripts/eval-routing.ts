import type { ChatRequest } from "../src/chat/request-schema";
import { TIERS, type Tier } from "../src/catalog/catalog-entry";
import { classifyRequest } from "../src/routing/classifier/classify-request";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { REPRESENTATIVE_MODELS, costSaving } from "../tests/fixtures/routing-eval/cost-saving";
import { type EvalReport, evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../tests/fixtures/routing-eval/evaluate";
import { TRAINING_BATCHES, loadBlindSet } from "../tests/fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Evaluates the complexity classifier and compares it with the best length-only router (thresholds
 * fitted on the batches the classifier is trained on).
 *
 *   bun run scripts/eval-routing.ts [--misses] [--batch NAME]
 *
 * - Without `--batch`: every training batch (TRAINING_BATCHES) and the first set, all trained on,
 *   so these figures show fit, not generalisation; `--misses` lists their mistakes. What to expect
 *   on unseen requests comes from scripts/classifier-cross-validation.ts (leave one batch out).
 * - `--batch NAME`: every case of blind/NAME, a batch written after the classifier was frozen and
 *   never trained on, scored as a whole; no misses are listed.
 */
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const batch = option("--batch");
const showMisses = args.includes("--misses");
if (batch !== undefined && (TRAINING_BATCHES as readonly string[]).includes(batch)) throw new Error(`batch ${batch} is trained on; --batch is for a batch written after the classifier was frozen`);

interface NamedSet {
  name: string;
  cases: EvalCase[];
  /** Misses may be listed: the set is trained on. */
  tunable: boolean;
}

const training = loadBlindSet(TRAINING_BATCHES);
const sets: NamedSet[] = [];
if (batch) {
  sets.push({ name: `batch ${batch} (all cases, held out)`, cases: loadBlindSet([batch]), tunable: false });
} else {
  for (const name of TRAINING_BATCHES) sets.push({ name: `batch ${name} (trained on)`, cases: loadBlindSet([name]), tunable: true });
  sets.push({ name: "first set (trained on at half weight)", cases: loadEvalSet(), tunable: true });
}

const baseline = fitLengthBaseline(training);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const breakdown = (counts: Record<string, { count: number; correct: number }>) =>
  Object.entries(counts)
    .map(([name, { count, correct }]) => `${name} ${correct}/${count}`)
    .join(", ");

function print(title: string, report: EvalReport, saving: { predicted: number; labels: number }): void {
  console.log(`  ${title}: accuracy ${percent(report.accuracy)} (${report.count - report.misses.length}/${report.count}), premium→economy ${percent(report.premiumToEconomy)}, economy→premium ${percent(report.economyToPremium)}`);
  console.log(`    saving vs always-premium ${percent(saving.predicted)} (labels ${percent(saving.labels)}; ${percent(saving.predicted / saving.labels)} of the labels' saving)`);
  console.log(`    label \\ predicted  ${TIERS.map((tier) => tier.padStart(9)).join("")}`);
  for (const label of TIERS) console.log(`    ${label.padEnd(19)}${TIERS.map((tier) => String(report.confusion[label][tier]).padStart(9)).join("")}`);
  console.log(`    per tool: ${breakdown(report.perTool)}`);
  if (Object.keys(report.perStage).length > 0) console.log(`    per stage: ${breakdown(report.perStage)}`);
}

console.log(`routing eval: training batches ${TRAINING_BATCHES.join(", ")} (${training.length} cases)`);
console.log(`cost: ${TIERS.map((tier) => `${tier} = ${REPRESENTATIVE_MODELS[tier]}`).join(", ")} (shipped catalog prices)`);
console.log(`length-only baseline (fitted on the training batches): standard ≥ ${baseline.standard} chars, premium ≥ ${baseline.premium} chars\n`);
for (const { name, cases, tunable } of sets) {
  const predictions = new Map(cases.map((evalCase) => [evalCase.id, classifyRequest(evalCase.request as ChatRequest).tier]));
  const classifier = (evalCase: EvalCase): Tier => predictions.get(evalCase.id)!;
  const lengthOnly = (evalCase: EvalCase): Tier => lengthTier(promptCharacters(evalCase.request as ChatRequest), baseline);
  console.log(`[${name}]`);
  print("classifier", evaluate(cases, classifier), costSaving(cases, classifier));
  print("length-only", evaluate(cases, lengthOnly), costSaving(cases, lengthOnly));
  if (showMisses && tunable) {
    for (const miss of evaluate(cases, classifier).misses) {
      const evalCase = cases.find((candidate) => candidate.id === miss.id)!;
      const result = classifyRequest(evalCase.request as ChatRequest);
      console.log(`    miss ${miss.id} [${evalCase.stage ?? "-"}]: ${miss.label} → ${miss.predicted} (score ${result.score}; ${result.reasons.join("; ")})`);
    }
  }
  console.log("");
}
