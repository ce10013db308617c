import type { ChatRequest } from "../src/chat/request-schema";
import { classifyRequest } from "../src/routing/classifier/classify-request";
import { TIERS } from "../src/catalog/catalog-entry";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { type EvalReport, evaluate, fitLengthBaseline, lengthTier, promptCharacters } from "../tests/fixtures/routing-eval/evaluate";
import { loadEvalSet } from "../tests/fixtures/routing-eval/load-eval-set";

/**
 * Evaluates the complexity classifier on the labelled routing set and compares it with the best
 * length-only router (thresholds fitted on the dev split).
 *
 *   bun run scripts/eval-routing.ts [--split dev|test|all] [--misses]
 *
 * Tune on dev; the test split is held out for the final figures.
 */
const args = process.argv.slice(2);
const splitArgument = args.includes("--split") ? args[args.indexOf("--split") + 1] : undefined;
const showMisses = args.includes("--misses");

const all = loadEvalSet();
const splits: Record<string, EvalCase[]> = {
  dev: all.filter((evalCase) => evalCase.split === "dev"),
  test: all.filter((evalCase) => evalCase.split === "test"),
  all,
};
const selected = splitArgument ? [splitArgument] : ["dev", "test", "all"];
for (const name of selected) if (!splits[name]) throw new Error(`unknown split ${name}; use dev, test or all`);

const baseline = fitLengthBaseline(splits.dev!);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function print(title: string, report: EvalReport): void {
  console.log(`  ${title}: accuracy ${percent(report.accuracy)} (${report.count - report.misses.length}/${report.count}), premium→economy ${percent(report.premiumToEconomy)}, economy→premium ${percent(report.economyToPremium)}`);
  console.log(`    label \\ predicted  ${TIERS.map((tier) => tier.padStart(9)).join("")}`);
  for (const label of TIERS) console.log(`    ${label.padEnd(19)}${TIERS.map((tier) => String(report.confusion[label][tier]).padStart(9)).join("")}`);
  const tools = Object.entries(report.perTool).map(([tool, { count, correct }]) => `${tool} ${correct}/${count}`);
  console.log(`    per tool: ${tools.join(", ")}`);
}

console.log(`routing eval: ${all.length} cases (${splits.dev!.length} dev, ${splits.test!.length} test)`);
console.log(`length-only baseline thresholds (fitted on dev): standard ≥ ${baseline.standard} chars, premium ≥ ${baseline.premium} chars\n`);
for (const name of selected) {
  const cases = splits[name]!;
  console.log(`[${name}]`);
  const classifier = evaluate(cases, (evalCase) => classifyRequest(evalCase.request as ChatRequest).tier);
  print("classifier", classifier);
  print("length-only", evaluate(cases, (evalCase) => lengthTier(promptCharacters(evalCase.request as ChatRequest), baseline)));
  if (showMisses) {
    for (const miss of classifier.misses) {
      const evalCase = cases.find((candidate) => candidate.id === miss.id)!;
      const result = classifyRequest(evalCase.request as ChatRequest);
      console.log(`    miss ${miss.id}: ${miss.label} → ${miss.predicted} (score ${result.score}; ${result.reasons.join("; ")})`);
    }
  }
  console.log("");
}
