import { expect, test } from "bun:test";
import { dollars } from "../../src/budget/money-text";

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
