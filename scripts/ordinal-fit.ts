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

/** Rows packed into flat arrays: the objective runs thousands of times per fit. */
interface Packed {
  values: Float64Array;
  labels: Uint8Array;
  weights: Float64Array;
  features: number;
}

function pack(rows: TrainingRow[]): Packed {
  const features = rows[0]?.values.length ?? 0;
  const values = new Float64Array(rows.length * features);
  rows.forEach((row, index) => values.set(row.values, index * features));
  return { values, labels: Uint8Array.from(rows.map((row) => row.label)), weights: Float64Array.from(rows.map((row) => row.weight)), features };
}

function objective(data: Packed, weights: Float64Array, cutpoints: [number, number], lambda: number) {
  const { features } = data;
  const gradient = new Float64Array(features);
  let loss = 0;
  for (let index = 0; index < features; index++) {
    gradient[index] = lambda * weights[index]!;
    loss += (lambda / 2) * weights[index]! * weights[index]!;
  }
  const cutGradient: [number, number] = [0, 0];
  for (let row = 0; row < data.labels.length; row++) {
    const offset = row * features;
    const rowWeight = data.weights[row]!;
    let linear = 0;
    for (let index = 0; index < features; index++) linear += weights[index]! * data.values[offset + index]!;
    const atLeastStandard = sigmoid(linear - cutpoints[0]);
    const premium = sigmoid(linear - cutpoints[1]);
    let dLinear: number;
    const label = data.labels[row];
    if (label === 0) {
      loss -= rowWeight * Math.log(Math.max(1 - atLeastStandard, EPSILON));
      dLinear = atLeastStandard;
      cutGradient[0] -= rowWeight * atLeastStandard;
    } else if (label === 2) {
      loss -= rowWeight * Math.log(Math.max(premium, EPSILON));
      dLinear = -(1 - premium);
      cutGradient[1] += rowWeight * (1 - premium);
    } else {
      const probability = Math.max(atLeastStandard - premium, EPSILON);
      loss -= rowWeight * Math.log(probability);
      const slopeStandard = atLeastStandard * (1 - atLeastStandard);
      const slopePremium = premium * (1 - premium);
      dLinear = -(slopeStandard - slopePremium) / probability;
      cutGradient[0] += (rowWeight * slopeStandard) / probability;
      cutGradient[1] -= (rowWeight * slopePremium) / probability;
    }
    const scaled = rowWeight * dLinear;
    for (let index = 0; index < features; index++) gradient[index]! += scaled * data.values[offset + index]!;
  }
  return { loss, gradient, cutGradient };
}

export function fitOrdinal(rows: TrainingRow[], lambda: number): FittedOrdinal {
  const data = pack(rows);
  let weights = new Float64Array(data.features);
  let cutpoints: [number, number] = [-1, 1];
  let step = 1 / Math.max(rows.length, 1);
  let current = objective(data, weights, cutpoints, lambda);
  for (let iteration = 0; iteration < STEPS; iteration++) {
    const candidateWeights = weights.map((weight, index) => weight - step * current.gradient[index]!);
    const first = cutpoints[0] - step * current.cutGradient[0];
    const candidateCuts: [number, number] = [first, Math.max(cutpoints[1] - step * current.cutGradient[1], first + 0.05)];
    const next = objective(data, candidateWeights, candidateCuts, lambda);
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
  const fitted = Array.from(weights);
  return {
    weights: fitted,
    cutpoints,
    linear: (values) => values.reduce((sum, value, index) => sum + fitted[index]! * value, 0),
  };
}
