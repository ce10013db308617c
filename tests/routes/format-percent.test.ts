import { expect, test } from "bun:test";
import { formatPercent } from "../../views/components/format";

/**
 * "$1.56 saved (100%)" was shown for 99.6%: a share rounded to 100% or 0% says all or nothing,
 * which only an exact whole or an exact zero may say.
 */
test("only an exact whole shows as 100%, only an exact zero as 0%", () => {
  expect(formatPercent(1.56, 1.56)).toBe("100%");
  expect(formatPercent(0, 1.56)).toBe("0%");
  expect(formatPercent(99.6, 100)).toBe("99.6%");
  expect(formatPercent(99.5, 100)).toBe("99.5%");
  expect(formatPercent(99.97, 100)).toBe(">99.9%");
  expect(formatPercent(0.03, 100)).toBe("<0.1%");
  // Shares that do not round to an end keep their usual form.
  expect(formatPercent(99.4, 100)).toBe("99%");
  expect(formatPercent(42.4, 100)).toBe("42%");
  expect(formatPercent(2.34, 100)).toBe("2.3%");
  expect(formatPercent(1, 0)).toBe("—");
});
