/**
 * Dollars as people read them in a budget message: cents from $1 up ($12.34), and below that at
 * least four decimals and at least two significant digits, so a tiny limit or cost stays
 * readable ($0.0040, $0.000020) instead of rounding to $0.0000. Nothing at all is "$0".
 */
export function dollars(value: number): string {
  return `$${moneyAmount(value)}`;
}

/**
 * The same digits without the `$`, for machine-read places such as the `x-budget-remaining`
 * header. `down` cuts instead of rounding: what is left of a budget is never shown as more.
 */
export function moneyAmount(value: number, rounding: "nearest" | "down" = "nearest"): string {
  const amount = Math.max(0, value);
  if (amount === 0 || !Number.isFinite(amount)) return String(amount);
  // toFixed takes at most 100 digits; a millionth of a millionth of a cent is as good as nothing.
  const decimals = amount >= 1 ? 2 : Math.min(20, Math.max(4, 1 - Math.floor(Math.log10(amount))));
  if (rounding === "nearest") return amount.toFixed(decimals);
  // The epsilon keeps 4.21 (420.99999999999994 cents in binary) at 4.21.
  const scale = 10 ** decimals;
  return (Math.floor(amount * scale + 1e-6) / scale).toFixed(decimals);
}
