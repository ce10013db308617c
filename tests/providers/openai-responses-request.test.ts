import { expect, test } from "bun:test";
import { ANTHROPIC_REASONING_FORMAT, OPENAI_RESPONSES_REASONING_FORMAT } from "../../src/chat/reasoning-details";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { silentLogger } from "../../src/logger";
import { toResponsesRequest } from "../../src/providers/openai-compatible/to-responses-request";
import { openaiModelRules } from "../../src/providers/openai/openai-model-rules";

/** The internal chat request as a body for OpenAI's Responses API (to-responses-request.ts). */
const translate = (model: string, body: Record<string, unknown>) =>
  toResponsesRequest(chatRequestSchema.parse({ model, ...body }), model, openaiModelRules(model), silentLogger);

test("messages become input items: system, user parts, an assistant turn with its own reasoning, tool output", () => {
  const body = translate("gpt-6.1-terra", {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBO" } }] },
      {
        role: "assistant",
        content: "Reading.",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }],
        reasoning_details: [
          { type: "reasoning.summary", summary: "Look.", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1" },
          { type: "reasoning.encrypted", data: "gAAAA==", format: OPENAI_RESPONSES_REASONING_FORMAT, id: "rs_1" },
          // Another upstream's state means nothing to OpenAI and is left out.
          { type: "reasoning.text", text: "x", signature: "sig", format: ANTHROPIC_REASONING_FORMAT },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "export {}" },
    ],
  });
  expect(body.input).toEqual([
    { type: "message", role: "system", content: "Be brief." },
    { type: "message", role: "user", content: [{ type: "input_text", text: "What is this?" }, { type: "input_image", image_url: "data:image/png;base64,iVBO", detail: "auto" }] },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Look." }], encrypted_content: "gAAAA==" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "Reading." }] },
    { type: "function_call", call_id: "call_1", name: "read_file", arguments: '{"path":"a.ts"}' },
    { type: "function_call_output", call_id: "call_1", output: "export {}" },
  ]);
  expect(body).toMatchObject({ stream: true, store: false, include: ["reasoning.encrypted_content"] });
});

test("tools, a named tool_choice, limits, effort and structured output map; the model's rules adjust effort and sampling", () => {
  const body = translate("gpt-6.2-sol", {
    messages: [{ role: "user", content: "Hi" }],
    tools: [{ type: "function", function: { name: "read_file", description: "Read", parameters: { type: "object" } } }],
    tool_choice: { type: "function", function: { name: "read_file" } },
    parallel_tool_calls: false,
    max_tokens: 500,
    reasoning_effort: "none",
    temperature: 0.4,
    response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
    user: "u-1",
  });
  expect(body).toMatchObject({
    tools: [{ type: "function", name: "read_file", description: "Read", parameters: { type: "object" }, strict: false }],
    tool_choice: { type: "function", name: "read_file" },
    parallel_tool_calls: false,
    max_output_tokens: 500,
    // GPT-6.2 rejects effort none (→ low) and takes no sampling parameters.
    reasoning: { effort: "low" },
    text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
    user: "u-1",
  });
  expect(body.temperature).toBeUndefined();
});
