import { expect, test } from "bun:test";
import { formatUsd, formatUsdShort } from "../../views/components/format";

test("money under a millionth is written in plain decimals, not exponent form", () => {
  expect(formatUsd(4.5e-7)).toBe("$0.00000045");
  expect(formatUsd(5.5e-9)).toBe("$0.0000000055");
  expect(formatUsd(-4.5e-7)).toBe("−$0.00000045");
  expect(formatUsdShort(4.5e-7)).toBe("$0.00000045");
});

test("the other ranges are as they were", () => {
  expect(formatUsd(0)).toBe("$0");
  expect(formatUsd(0.00007)).toBe("$0.000070");
  expect(formatUsd(0.0032)).toBe("$0.0032");
  expect(formatUsd(12.345)).toBe("$12.35");
  expect(formatUsd(12345)).toBe("$12,345");
  expect(formatUsdShort(0.05)).toBe("$0.05");
  expect(formatUsdShort(0.00007)).toBe("$0.00007");
});
