import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { type MockAnthropicUpstream, startMockAnthropicUpstream } from "../helpers/mock-anthropic-upstream";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sdkFailure } from "../helpers/sdk-failure";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Through the Responses door an error's `param` names the client's own request (`input[1].content[1]`),
 * never the internal chat request a provider refused (`messages[2].content[1]`), and is null where
 * no faithful mapping exists (an upstream's param names the request the provider sent). An
 * `input_file` sent as bare base64 reaches each upstream as the data URL it reads.
 */
const anthropicKey = "sk-ant-responses-error-params";
let openai: MockOpenAIUpstream;
let anthropic: MockAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  openai = startMockOpenAIUpstream();
  anthropic = startMockAnthropicUpstream({ apiKey: anthropicKey });
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-openai-responses-error-params", OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: anthropic.url });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await openai.close();
  await anthropic.close();
});

const pdf = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK";
const withFile = (fileData: string, filename: string): ResponseInputItem[] => [
  { role: "user", content: "Hello" },
  { role: "user", content: [{ type: "input_text", text: "Summarise this" }, { type: "input_file", filename, file_data: fileData }] },
];

test("Claude refusing a file part: the param is the client's input path, not the internal message's", async () => {
  const error = await sdkFailure(() => client.responses.create({ model: "anthropic:claude-haiku-4-5", instructions: "Be brief.", input: withFile("data:application/zip;base64,UEsDBAo=", "a.zip") }));
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ type: "invalid_request_error", param: "input[1].content[1]" });
});

test("bare base64 of a PDF reaches Claude as a document and OpenAI as a data URL", async () => {
  await client.responses.create({ model: "anthropic:claude-haiku-4-5", input: withFile(pdf, "report.pdf") });
  const turns = anthropic.requests.at(-1)!.body.messages as Array<{ content: Array<Record<string, unknown>> | string }>;
  expect((turns.at(-1)!.content as Array<Record<string, unknown>>).at(-1)).toMatchObject({ type: "document", source: { type: "base64", media_type: "application/pdf", data: pdf } });

  await client.responses.create({ model: "openai:gpt-4o-mini", input: withFile(pdf, "report.pdf") });
  const messages = openai.requests.at(-1)!.body.messages as Array<{ content: Array<Record<string, unknown>> | string }>;
  expect((messages.at(-1)!.content as Array<Record<string, unknown>>).at(-1)).toEqual({ type: "file", file: { file_data: `data:application/pdf;base64,${pdf}`, filename: "report.pdf" } });
});

test("an upstream's own param, which names the request the proxy sent, is not passed off as the client's", async () => {
  openai.enqueue({ kind: "error", status: 400, body: { error: { message: "Invalid content.", type: "invalid_request_error", param: "messages[1].content[1]", code: null } } });
  const error = await sdkFailure(() => client.responses.create({ model: "openai:gpt-4o-mini", input: withFile("data:application/pdf;base64," + pdf, "report.pdf") }));
  expect(error.status).toBe(400);
  expect(error.error).toMatchObject({ type: "invalid_request_error", param: null });
});
