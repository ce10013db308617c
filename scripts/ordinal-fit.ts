/**
 * Fits an ordinal logistic regression (proportional odds, three ordered classes) with an L2
 * penalty on the weights, by full-batch gradient descent with a backtracking step. The problem is
 * convex, the data small (hundreds of rows, tens of features): a few thousand steps converge.
 *
 * P(y ≥ 1) = σ(s − c₁), P(y = 2) = σ(s − c₂), s = w·x, c₁ < c₂.
 */
export interface TrainingRow {
  values: number[];
  /** 0 economy, 1 standard, 2 premium. */
  label: number;
  weight: number;
}

export interface FittedOrdinal {
  weights: number[];
  cutpoints: [number, number];
  linear(values: number[]): number;
}

const sigmoid = (value: number) => 1 / (1 + Math.exp(-value));
const EPSILON = 1e-12;
const STEPS = 4_000;

function objective(rows: TrainingRow[], weights: number[], cutpoints: [number, number], lambda: number) {
  const gradient = weights.map((weight) => lambda * weight);
  const cutGradient: [number, number] = [0, 0];
  let loss = (lambda / 2) * weights.reduce((sum, weight) => sum + weight * weight, 0);
  for (const row of rows) {
    let linear = 0;
    row.values.forEach((value, index) => (linear += weights[index]! * value));
    const atLeastStandard = sigmoid(linear - cutpoints[0]);
    const premium = sigmoid(linear - cutpoints[1]);
    let dLinear: number;
    if (row.label === 0) {
      loss -= row.weight * Math.log(Math.max(1 - atLeastStandard, EPSILON));
      dLinear = atLeastStandard;
      cutGradient[0] -= row.weight * atLeastStandard;
    } else if (row.label === 2) {
      loss -= row.weight * Math.log(Math.max(premium, EPSILON));
      dLinear = -(1 - premium);
      cutGradient[1] += row.weight * (1 - premium);
    } else {
      const probability = Math.max(atLeastStandard - premium, EPSILON);
      loss -= row.weight * Math.log(probability);
      const slopeStandard = atLeastStandard * (1 - atLeastStandard);
      const slopePremium = premium * (1 - premium);
      dLinear = -(slopeStandard - slopePremium) / probability;
      cutGradient[0] += (row.weight * slopeStandard) / probability;
      cutGradient[1] -= (row.weight * slopePremium) / probability;
    }
    row.values.forEach((value, index) => (gradient[index]! += row.weight * dLinear * value));
  }
  return { loss, gradient, cutGradient };
}

export function fitOrdinal(rows: TrainingRow[], lambda: number): FittedOrdinal {
  const features = rows[0]?.values.length ?? 0;
  let weights = new Array<number>(features).fill(0);
  let cutpoints: [number, number] = [-1, 1];
  let step = 1 / Math.max(rows.length, 1);
  let current = objective(rows, weights, cutpoints, lambda);
  for (let iteration = 0; iteration < STEPS; iteration++) {
    const candidateWeights = weights.map((weight, index) => weight - step * current.gradient[index]!);
    const first = cutpoints[0] - step * current.cutGradient[0];
    const candidateCuts: [number, number] = [first, Math.max(cutpoints[1] - step * current.cutGradient[1], first + 0.05)];
    const next = objective(rows, candidateWeights, candidateCuts, lambda);
    if (next.loss <= current.loss) {
      weights = candidateWeights;
      cutpoints = candidateCuts;
      if (current.loss - next.loss < 1e-9) break;
      current = next;
      step *= 1.1;
    } else {
      step /= 2;
    }
  }
  const fitted = weights;
  return {
    weights: fitted,
    cutpoints,
    linear: (values) => values.reduce((sum, value, index) => sum + fitted[index]! * value, 0),
  };
}
