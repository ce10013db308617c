import { createHash } from "node:crypto";
import { TIERS, type Tier } from "../src/catalog/catalog-entry";
import type { ChatRequest } from "../src/chat/request-schema";
import { describeRequest } from "../src/routing/classifier/describe-request";
import { FEATURE_NAMES } from "../src/routing/classifier/features";
import { scoreOf } from "../src/routing/classifier/ordinal-model";
import type { EvalCase } from "../tests/fixtures/routing-eval/builders/eval-case";
import { type FittedOrdinal, type TrainingRow, fitOrdinal } from "./ordinal-fit";

/**
 * The training procedure shared by scripts/train-classifier.ts (fit on everything, write the
 * weights) and scripts/classifier-cross-validation.ts (leave one batch out, report):
 *
 * - Rows: the labelled cases that are not background calls or autocomplete (rules decide those),
 *   one feature vector each, grouped by the batch (the hand) that wrote them.
 * - Hyper-parameters (L2 strength) and the two tier thresholds are chosen by leave-one-batch-out
 *   over the training batches: a batch written by other hands is what a new request looks like,
 *   so a model is judged only on batches it was not fitted on.
 * - Phrase dropout: each row is also seen with its phrase features zeroed at random, so that the
 *   structural features learn to carry the decision when a writer uses words the lists lack.
 * - The thresholds minimise a cost in which premium work sent to economy is the dearest mistake
 *   and economy work sent to premium the next (the rubric's tie-breakers and the targets).
 */
export const LAMBDAS = [0.01, 0.03, 0.1, 0.3, 1];
export const FIRST_SET_WEIGHT = 0.5;
export const PHRASE_DROPOUT = 0.3;
const COPIES = 3;
/** Prefer the strongest regularisation within this factor of the lowest cost. */
const TOLERANCE = 1;
/** cost[label][predicted]. */
export const COST: Record<Tier, Record<Tier, number>> = {
  economy: { economy: 0, standard: 1, premium: 3 },
  standard: { economy: 1.5, standard: 0, premium: 1 },
  premium: { economy: 8, standard: 1.5, premium: 0 },
};

export interface Row extends TrainingRow {
  id: string;
  /** The batch (writer) the case comes from; the first set is "first". */
  batch: string;
}

export interface Thresholds {
  standard: number;
  premium: number;
}

/** The model's rows for these cases (background calls and autocomplete are left to the rules). */
export function rowsOf(cases: EvalCase[], batch: string, weight = 1): Row[] {
  const rows: Row[] = [];
  for (const evalCase of cases) {
    if (evalCase.stage === "background" || evalCase.stage === "autocomplete") continue;
    const description = describeRequest(evalCase.request as ChatRequest);
    if (description.background) continue;
    rows.push({ id: evalCase.id, batch, label: TIERS.indexOf(evalCase.label), weight, values: FEATURE_NAMES.map((name) => description.vector[name]) });
  }
  return rows;
}

/** What the router's model reads for a request, or undefined when a background rule decides it. */
export function modelValues(request: ChatRequest): number[] | undefined {
  const description = describeRequest(request);
  return description.background ? undefined : FEATURE_NAMES.map((name) => description.vector[name]);
}

/**
 * The phrase features dropout applies to: kinds of work and questions. Trivial edits, chores,
 * acknowledgements and go-aheads keep theirs: without a known phrase the rubric's fallback for a
 * short request for work is standard (economy needs evidence).
 */
const KEPT = new Set(["latest:trivial-edit", "latest:vcs-chore", "latest:acknowledgement", "latest:greeting", "latest:go-ahead", "latest:retry"]);
const PHRASE_FEATURES = new Set(
  FEATURE_NAMES.flatMap((name, index) => ((name.startsWith("task:") || name.startsWith("latest:") || name.startsWith("session:hard")) && !KEPT.has(name) ? [index] : [])),
);
const unit = (seed: string) => createHash("sha256").update(seed).digest().readUInt32BE(0) / 2 ** 32;

function dropPhrases(row: Row, seed: string, dropout: number): Row {
  return { ...row, values: row.values.map((value, index) => (PHRASE_FEATURES.has(index) && unit(`${seed}:${row.id}:${index}`) < dropout ? 0 : value)) };
}

/** Each row as written plus COPIES with phrases dropped, weighted to sum to the row's weight. */
function augment(rows: Row[], dropout: number): Row[] {
  if (dropout === 0) return rows;
  return rows.flatMap((row) => [row, ...Array.from({ length: COPIES }, (_, copy) => dropPhrases(row, `train:${copy}`, dropout))].map((variant) => ({ ...variant, weight: row.weight / (COPIES + 1) })));
}

export function fit(rows: Row[], lambda: number, dropout = PHRASE_DROPOUT): FittedOrdinal {
  return fitOrdinal(augment(rows, dropout), lambda);
}

export const scoreRow = (model: FittedOrdinal, values: number[]) => scoreOf(model.linear(values), model);
export const tierAt = (score: number, thresholds: Thresholds): number => (score >= thresholds.premium ? 2 : score >= thresholds.standard ? 1 : 0);

/** Out-of-batch scores: each of `heldOut` batches scored by a model fitted on all other rows. */
export function outOfBatchScores(rows: Row[], heldOut: string[], lambda: number, dropout = PHRASE_DROPOUT): Map<string, number> {
  const scores = new Map<string, number>();
  for (const batch of heldOut) {
    const model = fit(
      rows.filter((row) => row.batch !== batch),
      lambda,
      dropout,
    );
    for (const row of rows.filter((candidate) => candidate.batch === batch)) scores.set(row.id, scoreRow(model, row.values));
  }
  return scores;
}

export function costOf(rows: Row[], scores: Map<string, number>, thresholds: Thresholds): { cost: number; correct: number } {
  let cost = 0;
  let correct = 0;
  for (const row of rows) {
    const predicted = tierAt(scores.get(row.id)!, thresholds);
    cost += COST[TIERS[row.label]!][TIERS[predicted]!] * row.weight;
    if (predicted === row.label) correct++;
  }
  return { cost, correct };
}

/** The cheapest thresholds on these scores; among ties, the middle of the tied region. */
export function bestThresholds(rows: Row[], scores: Map<string, number>): Thresholds & { cost: number } {
  let lowest = Number.POSITIVE_INFINITY;
  let tied: (Thresholds & { cost: number })[] = [];
  for (let standard = 1; standard < 99; standard++) {
    for (let premium = standard + 1; premium <= 99; premium++) {
      const result = { standard, premium, cost: costOf(rows, scores, { standard, premium }).cost };
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

export interface Trained {
  model: FittedOrdinal;
  lambda: number;
  thresholds: Thresholds;
  /** Per λ tried: the cost and accuracy of its out-of-batch scores. */
  candidates: { lambda: number; cost: number; accuracy: number; thresholds: Thresholds }[];
}

/**
 * λ and thresholds by leave-one-batch-out over the blind batches among `rows` (the first set is
 * always trained on, never scored), then one model fitted on all rows.
 */
export function train(rows: Row[], dropout = PHRASE_DROPOUT, log?: (line: string) => void): Trained {
  const batches = [...new Set(rows.map((row) => row.batch))].filter((batch) => batch !== "first");
  const scored = rows.filter((row) => row.batch !== "first");
  const candidates = LAMBDAS.map((lambda) => {
    const scores = outOfBatchScores(rows, batches, lambda, dropout);
    const best = bestThresholds(scored, scores);
    const accuracy = costOf(scored, scores, best).correct / scored.length;
    log?.(`  λ ${String(lambda).padEnd(4)} out-of-batch accuracy ${(100 * accuracy).toFixed(1)}%, cost ${best.cost.toFixed(1)}, thresholds ${best.standard}/${best.premium}`);
    return { lambda, cost: best.cost, accuracy, thresholds: { standard: best.standard, premium: best.premium } };
  });
  const lowest = Math.min(...candidates.map((candidate) => candidate.cost));
  const chosen = candidates.filter((candidate) => candidate.cost <= lowest * TOLERANCE).at(-1)!;
  return { model: fit(rows, chosen.lambda, dropout), lambda: chosen.lambda, thresholds: chosen.thresholds, candidates };
}
