import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem, Tool } from "openai/resources/responses/responses";
import { type MatrixProxy, matrixRows, startMatrixProxy } from "../helpers/matrix-proxy";
import { FINAL_TEXT, STEP1_USAGE, STEP3_USAGE, TOOL_ARGUMENTS, TOOL_NAME, TOOL_RESULT, USER_PROMPT } from "../helpers/matrix-script";
import { outputText, runResponsesTurn } from "../helpers/responses-turn";

/**
 * The provider matrix through the Responses door: the conversation of tests/helpers/matrix-script.ts
 * (a read_file call, its result, a text answer), sent by the official `openai` client's Responses
 * API, streamed and not, to one proxy with all six providers on. Every provider must give the
 * client the same Responses output (a function_call item with the tool's name, arguments and a
 * call id; then a message with the final text; usage in Responses' names), and each upstream must
 * receive the call and its result in its own wire format. As in tests/e2e/provider-matrix.test.ts,
 * the real `claude` binary offers the client's tool under its MCP prefix (`mcp__client__read_file`)
 * and gets step 3 as the transcript the CLI provider renders. The proxy and the rows:
 * tests/helpers/matrix-proxy.ts.
 */
let matrix: MatrixProxy;
let client: OpenAI;
const rows = matrixRows(() => matrix);

beforeAll(async () => {
  matrix = await startMatrixProxy();
  client = new OpenAI({ apiKey: "anything", baseURL: matrix.proxy.url, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await matrix?.close();
});

const readFileTool: Tool = {
  type: "function",
  name: TOOL_NAME,
  description: "Read a file of the project",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  strict: false,
};

const responsesUsage = (usage: typeof STEP1_USAGE) => ({ input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens });

describe.each(rows)("$provider through the Responses door", (row) => {
  const model = `${row.provider}:${row.upstreamModel}`;

  test.each([false, true])("tool round trip, stream: %p", async (stream) => {
    const before = row.received().length;
    const input: ResponseInputItem[] = [{ role: "user", content: USER_PROMPT }];

    row.scriptToolCall(stream);
    const first = await runResponsesTurn(client, { model, input, tools: [readFileTool], stream });
    expect([first.provider, first.model]).toEqual([row.provider, row.upstreamModel]);
    expect(first.response).toMatchObject({ object: "response", status: "completed", usage: responsesUsage(STEP1_USAGE) });
    expect(first.response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(first.response.id).toBe(`resp_${first.taskId!.replaceAll("-", "")}`);
    if (stream) expect(first.eventTypes.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
    expect(row.received()).toHaveLength(before + 1);

    expect(first.response.output.map((item) => item.type)).toEqual(["function_call"]);
    const call = first.response.output[0]!;
    if (call.type !== "function_call") throw new Error("expected a function call");
    expect(call.name).toBe(TOOL_NAME);
    expect(JSON.parse(call.arguments)).toEqual(TOOL_ARGUMENTS);
    expect(call.call_id.length).toBeGreaterThan(0);
    expect(call.id).toStartWith("fc_");
    if (stream) expect(first.eventTypes).toContain("response.function_call_arguments.done");
    const callId = call.call_id;
    // The client sends the model's output items back as they came, as Codex does.
    input.push(...(first.response.output as ResponseInputItem[]));
    input.push({ type: "function_call_output", call_id: callId, output: TOOL_RESULT });

    row.scriptAnswer(stream);
    const second = await runResponsesTurn(client, { model, input, tools: [readFileTool], stream });
    expect(second.provider).toBe(row.provider);
    expect(second.response).toMatchObject({ status: "completed", usage: responsesUsage(STEP3_USAGE) });
    expect(second.response.output.map((item) => item.type)).toEqual(["message"]);
    expect(outputText(second.response)).toBe(FINAL_TEXT);
    if (stream) {
      expect(second.eventTypes.filter((type) => type === "response.output_text.delta").length).toBeGreaterThan(1);
      expect(second.eventTypes.at(-1)).toBe("response.completed");
    }
    expect(row.received()).toHaveLength(before + 2);
    row.expectRoundTripReceived(row.received()[before + 1]!, callId);
  }, 20_000);
});
