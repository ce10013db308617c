/**
 * Dollars as people read them in a budget message: cents from $1 up ($12.34), and below that at
 * least four decimals and at least two significant digits, so a tiny limit or cost stays
 * readable ($0.0040, $0.000020) instead of rounding to $0.0000. Nothing at all is "$0".
 */
export function dollars(value: number): string {
  const amount = Math.max(0, value);
  if (amount === 0 || !Number.isFinite(amount)) return amount === 0 ? "$0" : `$${amount}`;
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  // toFixed takes at most 100 digits; a millionth of a millionth of a cent is as good as nothing.
  const decimals = Math.min(20, Math.max(4, 1 - Math.floor(Math.log10(amount))));
  return `$${amount.toFixed(decimals)}`;
}
