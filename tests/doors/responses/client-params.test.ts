import { describe, expect, test } from "bun:test";
import { clientParam } from "../../../src/doors/responses/client-params";
import { inClientTerms } from "../../../src/doors/responses/client-terms";
import { responsesRequestSchema } from "../../../src/doors/responses/responses-request-schema";
import { toChatRequest } from "../../../src/doors/responses/to-chat-request";
import { ProxyError, invalidRequest } from "../../../src/errors";
import { silentLogger } from "../../../src/logger";

/** A refusal raised on the internal chat request names the field of the client's Responses request. */
const translate = (body: Record<string, unknown>) => toChatRequest(responsesRequestSchema.parse({ model: "auto", ...body }), silentLogger);
const pdf = "JVBERi0xLjQKJcfsj6IK";

describe("params of the internal request, in the client's terms", () => {
  const { request, origins } = translate({
    instructions: "Be brief.",
    input: [
      { role: "user", content: [{ type: "input_text", text: "Read these" }, { type: "input_file", filename: "a.pdf", file_data: pdf }] },
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "function_call", call_id: "call_a", name: "read", arguments: "{}" },
      { role: "user", content: "meanwhile" },
      { type: "function_call_output", call_id: "call_a", output: [{ type: "input_text", text: "done" }] },
    ],
  });

  test("each message maps to the item it came from, the held user message included", () => {
    expect(request.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool", "user"]);
    expect(clientParam("messages[0].content", origins)).toBe("instructions");
    expect(clientParam("messages[1].content[1]", origins)).toBe("input[0].content[1]");
    expect(clientParam("messages[2].tool_calls[0].function.arguments", origins)).toBe("input[2].arguments");
    expect(clientParam("messages[3].content[0]", origins)).toBe("input[4].output[0]");
    expect(clientParam("messages[3].tool_call_id", origins)).toBe("input[4].call_id");
    expect(clientParam("messages[4].content", origins)).toBe("input[3].content");
  });

  test("what has no faithful mapping is null; top-level fields take their Responses names", () => {
    expect(clientParam("messages[2].content", origins)).toBeNull();
    expect(clientParam("messages[9].content", origins)).toBeNull();
    expect(clientParam("stop", origins)).toBeNull();
    expect(clientParam("messages", origins)).toBe("input");
    expect(clientParam("max_completion_tokens", origins)).toBe("max_output_tokens");
    expect(clientParam("reasoning_effort", origins)).toBe("reasoning.effort");
  });

  test("an upstream's own param (an error with a cause) is left out; the proxy's own is mapped", () => {
    const upstream = new ProxyError(400, "openai returned 400: bad", { type: "invalid_request_error", param: "messages[1].content[1]", cause: new Error("upstream") });
    expect(inClientTerms(upstream, origins).param).toBeNull();
    expect(inClientTerms(invalidRequest("no", "messages[1].content[1]"), origins).param).toBe("input[0].content[1]");
  });
});

describe("input_file file_data reaches every upstream as a data URL", () => {
  const fileOf = (part: Record<string, unknown>) => {
    const content = translate({ input: [{ role: "user", content: [part] }] }).request.messages[0]!.content as unknown as Array<{ file: { file_data: string } }>;
    return content[0]!.file.file_data;
  };

  test("bare base64 of a PDF, or named by its extension, is wrapped; a data URL is kept", () => {
    expect(fileOf({ type: "input_file", file_data: pdf })).toBe(`data:application/pdf;base64,${pdf}`);
    expect(fileOf({ type: "input_file", filename: "notes.TXT", file_data: "aGVsbG8=" })).toBe("data:text/plain;base64,aGVsbG8=");
    expect(fileOf({ type: "input_file", file_data: "data:text/csv;base64,YSxi" })).toBe("data:text/csv;base64,YSxi");
  });

  test("bare base64 of no type the proxy can tell is a 400 naming the client's field", () => {
    let caught: unknown;
    try {
      translate({ input: [{ role: "user", content: [{ type: "input_text", text: "x" }, { type: "input_file", filename: "blob", file_data: "aGVsbG8=" }] }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ status: 400, param: "input[0].content[1].file_data" });
  });
});
