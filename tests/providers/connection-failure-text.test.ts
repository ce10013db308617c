import { expect, test } from "bun:test";
import { APIConnectionError as AnthropicConnectionError } from "@anthropic-ai/sdk";
import { APIConnectionError } from "openai/core/error";
import { ProxyError } from "../../src/errors";
import { mapAnthropicError } from "../../src/providers/anthropic/map-anthropic-error";
import { connectionFailureText } from "../../src/providers/connection-failure-text";
import { mapGeminiError } from "../../src/providers/gemini/map-gemini-error";
import { mapOpenAIError } from "../../src/providers/openai-compatible/map-openai-error";

/**
 * Bun's fetch ends some connection errors with advice for the program's author; a user of the proxy
 * sees the failure without it, in the error their client gets and in the log.
 */
const advice = "For more information, pass `verbose: true` in the second argument to fetch()";
const bunError = () => Object.assign(new TypeError(`The socket connection was closed unexpectedly. ${advice}`), { code: "ECONNRESET" });

test("the advice is cut, the failure itself kept; a message without it is unchanged", () => {
  expect(connectionFailureText(bunError().message)).toBe("The socket connection was closed unexpectedly.");
  expect(connectionFailureText("Unable to connect. Is the computer able to access the url?")).toBe("Unable to connect. Is the computer able to access the url?");
});

test("each provider's connection failure reaches the client without it", () => {
  const mapped = [
    mapOpenAIError(new APIConnectionError({ cause: bunError() }), "OpenAI"),
    mapAnthropicError(new AnthropicConnectionError({ cause: bunError() }), "Anthropic"),
    mapGeminiError(bunError(), "gemini-key", "stream"),
  ];
  for (const error of mapped) {
    expect(error).toBeInstanceOf(ProxyError);
    expect((error as ProxyError).message).toContain("The socket connection was closed unexpectedly.");
    expect((error as ProxyError).message).not.toContain("verbose");
  }
});
