import { expect, test } from "bun:test";
import { dollars, moneyAmount } from "../../src/budget/money-text";

test("budget amounts keep two significant digits below a dollar, cents above, and nothing is $0", () => {
  expect(dollars(0)).toBe("$0");
  expect(dollars(-0.5)).toBe("$0");
  expect(dollars(12.345)).toBe("$12.35");
  expect(dollars(1)).toBe("$1.00");
  expect(dollars(0.5)).toBe("$0.5000");
  expect(dollars(0.004)).toBe("$0.0040");
  expect(dollars(0.0100)).toBe("$0.0100");
  expect(dollars(0.00002)).toBe("$0.000020");
  expect(dollars(0.000_001_234)).toBe("$0.0000012");
  expect(dollars(1e-25)).toBe("$0.00000000000000000000");
});

test("the header's amounts: the same digits without the $, cut down when asked, never above the value", () => {
  expect(moneyAmount(4.21)).toBe("4.21");
  expect(moneyAmount(1.999)).toBe("2.00");
  expect(moneyAmount(1.999, "down")).toBe("1.99");
  for (const value of [4.21, 0.29, 0.57, 1.1, 80, 0.004, 0.000_020_4, 123.45]) {
    expect(Number(moneyAmount(value, "down"))).toBeLessThanOrEqual(value);
  }
  expect(moneyAmount(0.29, "down")).toBe("0.2900");
  expect(moneyAmount(-3, "down")).toBe("0");
});
