/**
 * A dollar figure for JSON, to a ten-billionth of a dollar: sums of prices in floating point carry
 * noise past that (0.0082002 spent as 0.008200200000000006), which no reader wants to see.
 */
export function usdFigure(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
