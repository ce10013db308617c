import { expect, test } from "bun:test";
import { clientMessage } from "../../../src/doors/responses/client-message";
import { responsesRequestSchema } from "../../../src/doors/responses/responses-request-schema";
import { inClientTerms } from "../../../src/doors/responses/client-terms";
import { toChatRequest } from "../../../src/doors/responses/to-chat-request";
import { ProxyError, invalidRequest } from "../../../src/errors";
import { silentLogger } from "../../../src/logger";

/** A refusal's message names the client's Responses fields, as its param does (client-message.ts). */
const { origins } = toChatRequest(
  responsesRequestSchema.parse({
    model: "auto",
    instructions: "Be brief.",
    input: [
      { role: "user", content: [{ type: "input_text", text: "Read" }, { type: "input_image", image_url: "https://example.invalid/a.png" }] },
      { type: "function_call", call_id: "call_a", name: "read", arguments: "{}" },
      { type: "function_call_output", call_id: "call_a", output: "done" },
    ],
  }),
  silentLogger,
);

test("a path into the messages becomes the client's path where it maps", () => {
  expect(clientMessage("The claude-cli provider cannot take 'image_url' content (messages[1].content[1]). Send text.", origins)).toBe(
    "The claude-cli provider cannot take 'input_image' content (input[0].content[1]). Send text.",
  );
  expect(clientMessage('messages[3].tool_call_id "call_x" does not match a tool call of an earlier assistant message.', origins)).toBe(
    'input[2].call_id "call_x" does not match a function_call item before it.',
  );
});

test("where no mapping exists the internal path is dropped, not shown", () => {
  // messages[2] is the assistant turn: only its tool calls map; messages[9] does not exist.
  expect(clientMessage("Content parts of type \"file\" cannot be sent (messages[2].content[0]).", origins)).toBe('Content parts of type "input_file" cannot be sent.');
  expect(clientMessage('messages[9].tool_call_id "call_x" does not match.', origins)).toBe('call_id "call_x" does not match.');
  expect(clientMessage("messages[9] is empty.", origins)).toBe("a message is empty.");
});

test("internal field names take their Responses names; other words stay", () => {
  expect(clientMessage("Anthropic accepts file parts only as a PDF or plain-text data URL in file.file_data.", origins)).toBe(
    "Anthropic accepts file parts only as a PDF or plain-text data URL in input_file.file_data.",
  );
  expect(clientMessage("image_url.url must be an http(s) URL or a data URL.", origins)).toBe("input_image.image_url must be an http(s) URL or a data URL.");
  expect(clientMessage("An image_url part needs a url.", origins)).toBe("An input_image part needs a url.");
  expect(clientMessage("input[0].content[1].file_data must be a data URL.", origins)).toBe("input[0].content[1].file_data must be a data URL.");
  expect(clientMessage("gpt-x takes function tools only with reasoning_effort \"none\".", origins)).toBe('gpt-x takes function tools only with reasoning.effort "none".');
});

test("an upstream's message keeps its own words; the proxy's own refusal is rewritten", () => {
  const upstream = new ProxyError(400, "openai returned 400: Invalid 'messages[1].content[1]'.", { type: "invalid_request_error", cause: new Error("upstream") });
  expect(inClientTerms(upstream, origins).message).toBe(upstream.message);
  expect(inClientTerms(invalidRequest("Bad part (messages[1].content[1]).", "messages[1].content[1]"), origins).message).toBe("Bad part (input[0].content[1]).");
});
