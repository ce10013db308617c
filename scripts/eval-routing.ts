import type { ChatRequest } from "../src/chat/request-schema";
import { TIERS, type Tier } from "../src/catalog/catalog-entry";
import { classifyRequest } from "../src/routing/classifier/classify-request";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { REPRESENTATIVE_MODELS, costSaving } from "../tests/fixtures/routing-eval/cost-saving";
import { type EvalReport, evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../tests/fixtures/routing-eval/evaluate";
import { loadBlindSet } from "../tests/fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Evaluates the complexity classifier and compares it with the best length-only router (thresholds
 * fitted on the blind dev split).
 *
 *   bun run scripts/eval-routing.ts [--split dev|test|all] [--misses] [--batch NAME]
 *
 * - blind dev: the dev split of the blind batches (tune on this; `--misses` lists its mistakes).
 * - blind test: their frozen test split, scored but never listed case by case.
 * - first set: the original 164 cases, a regression set only (tuned on, not held out).
 * - `--batch NAME`: every case of blind/NAME (a batch written after the classifier was frozen),
 *   scored as a whole, no misses listed.
 */
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const splitArgument = option("--split") ?? "all";
const batch = option("--batch");
const showMisses = args.includes("--misses");
if (!["dev", "test", "all"].includes(splitArgument)) throw new Error(`unknown split ${splitArgument}; use dev, test or all`);

interface NamedSet {
  name: string;
  cases: EvalCase[];
  /** Misses may be listed: the set is for tuning. */
  tunable: boolean;
}

const blind = loadBlindSet();
const blindDev = blind.filter((evalCase) => evalCase.split === "dev");
const sets: NamedSet[] = [];
if (batch) {
  sets.push({ name: `batch ${batch} (all cases, held out)`, cases: loadBlindSet([batch]), tunable: false });
} else {
  if (splitArgument !== "test") sets.push({ name: "blind dev", cases: blindDev, tunable: true });
  if (splitArgument !== "dev") sets.push({ name: "blind test (frozen, held out)", cases: blind.filter((evalCase) => evalCase.split === "test"), tunable: false });
  if (splitArgument !== "test") sets.push({ name: "first set (regression only: tuned on, not held out)", cases: loadEvalSet(), tunable: true });
}

const baseline = fitLengthBaseline(blindDev);
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

console.log(`routing eval: blind batches ${blind.length} cases (${blindDev.length} dev, ${blind.length - blindDev.length} test)`);
console.log(`cost: ${TIERS.map((tier) => `${tier} = ${REPRESENTATIVE_MODELS[tier]}`).join(", ")} (shipped catalog prices)`);
console.log(`length-only baseline (fitted on blind dev): standard ≥ ${baseline.standard} chars, premium ≥ ${baseline.premium} chars\n`);
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
