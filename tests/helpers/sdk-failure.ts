import { expect } from "bun:test";
import { APIError } from "openai";

/** Runs a call of the official `openai` client that must fail, and returns the APIError it threw. */
export async function sdkFailure(call: () => Promise<unknown>): Promise<APIError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(APIError);
    return error as APIError;
  }
  throw new Error("the call was expected to fail");
}
