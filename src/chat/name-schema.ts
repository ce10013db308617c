import { z } from "zod";
import { fitsInLength } from "./bounded-length";
import { hasNoControlCharacters } from "./control-characters";

/**
 * Names and ids that go into an upstream's structured fields (tool names, tool call ids):
 * bounded, and free of control characters. Every upstream refuses longer names (OpenAI takes 64
 * characters, Anthropic 128) and names with a NUL or a newline; refusing them here costs no call
 * and keeps them out of the log row. Anything else is left for the upstream to judge, since the
 * proxy may rename tools on the way (a Responses namespace, a provider's own rules).
 */
export const MAX_NAME_LENGTH = 256;

export function nameSchema(minLength: 0 | 1 = 1) {
  return z
    .string()
    .min(minLength, "must not be empty")
    .refine((name) => fitsInLength(name, MAX_NAME_LENGTH), `must be at most ${MAX_NAME_LENGTH} characters`)
    .refine(hasNoControlCharacters, "must not contain control characters");
}
