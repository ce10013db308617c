import { describe, expect, test } from "bun:test";
import { ProxyError } from "../../src/errors";
import { MIN_SECRET_LENGTH, createRedactor } from "../../src/security/redactor";

/** Configured secrets go by value whatever their shape; credentials nobody configured by pattern. */
const secrets = ["gsk_7Yq2Lm9Xw4Bn8Tc3Vd6Rf1Hs5", "xai-7Yq2Lm9Xw4Bn8Tc3Vd6Rf1Hs5Gq", "Qm7vT2xL9pW4kR8nZ3cY6bHd", "u5Jk9Wq2Ze", "p@ss/wörd+1"];
const redactor = createRedactor(secrets);

describe("configured secrets, by value", () => {
  test.each(secrets)("%s is taken out wherever it sits", (secret) => {
    const text = `key=${secret}; quoted "${secret}" inside${secret}word and at the end ${secret}`;
    const redacted = redactor.redact(text);
    expect(redacted).not.toContain(secret);
    expect(redacted.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(4);
  });

  test("escaped inside JSON (a log line quoting an error) and URL-encoded", () => {
    const withQuote = createRedactor(['abc"def\\ghij']);
    expect(withQuote.redact(JSON.stringify({ error: 'bad key abc"def\\ghij' }))).toBe(JSON.stringify({ error: "bad key [redacted]" }));
    expect(redactor.redact(`GET /v1?token=x&user=${encodeURIComponent("p@ss/wörd+1")}`)).not.toContain(encodeURIComponent("p@ss/wörd+1"));
  });

  test("a key that contains another is taken out whole", () => {
    const nested = createRedactor(["abcdefgh12", "abcdefgh12345678"]);
    expect(nested.redact("key abcdefgh12345678 here")).toBe("key [redacted] here");
  });

  test(`values shorter than ${MIN_SECRET_LENGTH} characters are ordinary words and stay`, () => {
    const placeholder = createRedactor(["ollama", "none"]);
    expect(placeholder.redact("Ollama said none of the models is loaded; ollama restarted")).toBe("Ollama said none of the models is loaded; ollama restarted");
  });

  test("values match exactly: the same letters in another case are another string", () => {
    expect(redactor.redact("QM7VT2XL9PW4KR8NZ3CY6BHD")).toBe("QM7VT2XL9PW4KR8NZ3CY6BHD");
  });
});

describe("credentials nobody configured, by pattern", () => {
  test.each([
    ["an echoed Authorization header", "Received Authorization: Bearer q1", "Received Authorization: Bearer [redacted]"],
    ["Basic credentials", "authorization=Basic dXNlcjpwYXNz", "authorization=Basic [redacted]"],
    ["x-api-key as JSON", '{"x-api-key":"zz9"}', '{"x-api-key":"[redacted]"}'],
    ["x-goog-api-key twice escaped", '\\"x-goog-api-key\\": \\"hK3zQ\\"', '\\"x-goog-api-key\\": \\"[redacted]\\"'],
    ["api-key in a query", "api-key=tiny", "api-key=[redacted]"],
    ["a key in a URL", "POST /v1beta/models/x:generateContent?alt=sse&key=abc123 failed", "POST /v1beta/models/x:generateContent?alt=sse&key=[redacted] failed"],
    ["OpenAI's wording, key partly masked", "Incorrect API key provided: gs****Zq. You can find your key", "Incorrect API key provided: [redacted]. You can find your key"],
    ["a password field", "password: hunter2, user: bob", "password: [redacted], user: bob"],
    ["a Groq-shaped key", "key gsk_ABCDEFGHIJKLMNOPQRSTUV rejected", "key [redacted] rejected"],
    ["an xAI-shaped key", "key xai-ABCDEFGHIJKLMNOPQRSTUV rejected", "key [redacted] rejected"],
    ["a header value in parentheses", "(x-api-key: abcdef)", "(x-api-key: [redacted])"],
  ])("%s", (_name, input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  test("ordinary text stays as it was", () => {
    const text = "Model gpt-4o-mini is overloaded; retry after 2 s (request id req_011Mock0001). Authorization required.";
    expect(redactor.redact(text)).toBe(text);
  });
});

describe("errors", () => {
  test("redactError keeps everything but the secret", () => {
    const error = new ProxyError(502, "Groq returned 503: key Qm7vT2xL9pW4kR8nZ3cY6bHd", { type: "upstream_error", code: "unavailable", retryable: true });
    const redacted = redactor.redactError(error);
    expect(redacted).toMatchObject({ status: 502, type: "upstream_error", code: "unavailable", retryable: true, message: "Groq returned 503: key [redacted]" });
  });

  test("an error with nothing to take out is the same object", () => {
    const error = new ProxyError(400, "messages: required", { type: "invalid_request_error" });
    expect(redactor.redactError(error)).toBe(error);
  });
});

test("one search per text however many keys: 200 keys, 10,000 error texts of 1 KB", () => {
  const many = createRedactor(Array.from({ length: 200 }, (_, index) => `key-${index}-${crypto.randomUUID()}`));
  const text = `Upstream said: ${"the request could not be processed because of reasons; ".repeat(18)}`;
  const started = performance.now();
  for (let index = 0; index < 10_000; index++) many.redact(text);
  const perText = (performance.now() - started) / 10_000;
  // About 10 µs on the development machine, with 5 keys or 200; the bound leaves room for a loaded runner.
  expect(perText).toBeLessThan(200 / 1000);
});
