/**
 * A "nice" value axis for a chart: a maximum and evenly spaced ticks on round numbers
 * (1, 2, 2.5 or 5 times a power of ten), so gridlines read $0, $0.5, $1, $1.5 rather than $0.37.
 */
export interface ValueScale {
  max: number;
  ticks: number[];
}

/**
 * `wholeNumbers`: the values are counts, so every step is a whole number (1, 2, 5, 10, 20, 50 …):
 * a count's format rounds 0.25 and 2.5, and the axis would repeat a label (0, 0, 1, 1, 1).
 */
export function niceScale(maxValue: number, tickCount = 4, options: { wholeNumbers?: boolean } = {}): ValueScale {
  const whole = options.wholeNumbers === true;
  if (!(maxValue > 0) || !Number.isFinite(maxValue)) return whole ? { max: 1, ticks: [0, 1] } : { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const rough = maxValue / tickCount;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10]
    .map((factor) => factor * power)
    .find((candidate) => candidate >= rough && (!whole || (candidate >= 1 && Number.isInteger(candidate))))!;
  const max = Math.ceil(maxValue / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= max + step / 2; value += step) ticks.push(Number(value.toPrecision(12)));
  return { max, ticks };
}

/** Which of `count` bucket labels to print so that at most `most` show, evenly spread, last included. */
export function labelEvery(count: number, most: number): number {
  return Math.max(1, Math.ceil(count / most));
}
