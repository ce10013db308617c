import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { validationError } from "../../src/chat/format-validation-error";

/** A field left out is named as missing, not as zod's "expected number, received undefined". */
describe("validation error for a missing field", () => {
  const schema = z.object({ model: z.string(), max_tokens: z.number() });

  test("says the field is required and what it takes, at its path", () => {
    const result = schema.safeParse({ model: "claude-sonnet-5-5" });
    const error = validationError(result.error!);
    expect(error.message).toBe("Invalid request: max_tokens: required field missing (expected number)");
    expect(error.param).toBe("max_tokens");
  });

  test("a value of the wrong type keeps zod's message", () => {
    const result = schema.safeParse({ model: "m", max_tokens: "ten" });
    expect(validationError(result.error!).message).toBe("Invalid request: max_tokens: Invalid input: expected number, received string");
  });
});
