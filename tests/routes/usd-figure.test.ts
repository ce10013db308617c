import { expect, test } from "bun:test";
import { usdFigure } from "../../src/routes/usd-figure";

test("float noise from summed prices is gone; real figures stay exact", () => {
  expect(0.0041001 + 0.0041001).toBe(0.0082002); // a sum that happens to be clean
  const noisy = 0.1 + 0.2;
  expect(noisy).not.toBe(0.3);
  expect(usdFigure(noisy)).toBe(0.3);
  expect(usdFigure(0.008200200000000006)).toBe(0.0082002);
  expect(usdFigure(0.0000000123)).toBe(0.0000000123);
  expect(usdFigure(12345.6789)).toBe(12345.6789);
  expect(usdFigure(0)).toBe(0);
  expect(usdFigure(-0.30000000000000004)).toBe(-0.3);
});
