import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import { googleError, type MockGeminiUpstream, readGeminiFixtureLines, startMockGeminiUpstream } from "../helpers/mock-gemini-upstream";

/** The mock Gemini server speaks the bytes and shapes of the real REST API, as the official SDK expects them. */
const apiKey = "gemini-mock-self-test-key";
let upstream: MockGeminiUpstream;

beforeAll(() => {
  upstream = startMockGeminiUpstream({ apiKey });
});

afterAll(async () => {
  await upstream.close();
});

const post = (path: string, headers: Record<string, string> = { "x-goog-api-key": apiKey }) =>
  fetch(`${upstream.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }) });

describe("mock Gemini upstream", () => {
  test("streams fixture lines as data events with CRLF framing and no [DONE]", async () => {
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const response = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const expected = readGeminiFixtureLines("text-with-usage").map((line) => `data: ${line}\r\n\r\n`).join("");
    expect(await response.text()).toBe(expected);
  });

  test("LF framing on request", async () => {
    upstream.enqueue({ kind: "fixture", name: "tool-call", framing: "lf" });
    const text = await (await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")).text();
    expect(text).toBe(`data: ${readGeminiFixtureLines("tool-call")[0]}\n\n`);
  });

  test("generateContent answers pretty-printed JSON, merging a fixture's events into one response", async () => {
    upstream.enqueue({ kind: "fixture", name: "thinking" });
    const response = await post("/v1beta/models/gemini-2.5-flash:generateContent");
    const text = await response.text();
    expect(text).toStartWith('{\n  "candidates": [');
    const body = JSON.parse(text) as { candidates: Array<{ content: { parts: Array<{ text: string; thought?: boolean }> }; finishReason: string }>; usageMetadata: { thoughtsTokenCount: number } };
    expect(body.candidates[0]!.content.parts.map((part) => [part.thought ?? false, part.text.length > 0])).toEqual([[true, true], [false, true]]);
    expect(body.candidates[0]!.finishReason).toBe("STOP");
    expect(body.usageMetadata.thoughtsTokenCount).toBe(187);
  });

  test("Google's error bodies: no key 403, wrong key 400 API_KEY_INVALID, unknown path 404, queued errors", async () => {
    const missing = await post("/v1beta/models/gemini-2.5-flash:generateContent", {});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { status: string } }).error.status).toBe("PERMISSION_DENIED");

    const wrong = await post("/v1beta/models/gemini-2.5-flash:generateContent", { "x-goog-api-key": "nope" });
    expect(wrong.status).toBe(400);
    const wrongBody = (await wrong.json()) as { error: { code: number; status: string; details: Array<{ reason?: string }> } };
    expect(wrongBody.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(wrongBody.error.details[0]!.reason).toBe("API_KEY_INVALID");

    expect((await post("/v1beta/models/gemini-2.5-flash:countTokens")).status).toBe(404);

    upstream.enqueue({ kind: "error", status: 429 });
    const limited = await post("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual(googleError(429, "mock error 429"));
  });

  test("the official SDK reads it: text, usage and the recorded request", async () => {
    const ai = new GoogleGenAI({ vertexai: false, apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: upstream.url, fetch } });
    upstream.enqueue({ kind: "fixture", name: "text-with-usage" });
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Hello", config: { automaticContinuation: false } })) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("Hello! How can I help you today?");
    expect(chunks.at(-1)!.usageMetadata?.candidatesTokenCount).toBe(8);
    expect(upstream.requests.at(-1)).toMatchObject({ method: "streamGenerateContent", apiVersion: "v1beta", model: "gemini-2.5-flash", search: "?alt=sse" });
  });
});
