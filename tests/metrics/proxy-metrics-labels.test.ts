import { expect, test } from "bun:test";
import type { RequestLogRow } from "../../src/db/schema";
import { ProxyMetrics } from "../../src/metrics/proxy-metrics";
import { createRedactor } from "../../src/security/redactor";
import type { CircuitBreakers } from "../../src/routing/circuit-breakers";

/**
 * Model names become labels through the redactor, on the request series and on the added time
 * alike; the names are remembered between requests, which must never let a secret through or mix
 * two names up, also once more names came than are remembered.
 */
const secret = "sk-metrics-label-secret-000000";
const row = (model: string | null) =>
  ({ door: "openai", provider: "openai", model, tier: null, status: 200, latencyMs: 12, ttftMs: null, tokensIn: 3, tokensOut: 0, cachedTokens: 0, cacheWriteTokens: 0, costUsd: 0, baselineCostUsd: null, fallbacks: 0 }) as unknown as RequestLogRow;

test("every model label is redacted, the same name always gives the same label, and distinct names stay distinct", () => {
  const redactor = createRedactor([secret]);
  let calls = 0;
  const metrics = new ProxyMetrics({ breakers: { snapshot: () => [] } as unknown as CircuitBreakers, logQueue: { pending: 0 }, redact: (text) => (calls++, redactor.redact(text)) });
  const names = [`model-${secret}`, "gpt-4o-mini", null, ...Array.from({ length: 1_200 }, (_, index) => `model-${index}`), "gpt-4o-mini", `model-${secret}`];
  for (const name of names) {
    metrics.observe(row(name));
    metrics.observeAdded(row(name), 0.5, "total");
  }
  const text = metrics.render();
  expect(text).not.toContain(secret);
  const requests = text.split("\n").filter((line) => line.startsWith("claude_proxy_requests_total{"));
  // One series per distinct name: the secret-bearing one, gpt-4o-mini, none, and 1,200 others (more than are remembered).
  expect(requests).toHaveLength(1_203);
  expect(requests).toContain('claude_proxy_requests_total{door="openai",provider="openai",model="model-[redacted]",tier="none",status="200"} 2');
  expect(requests).toContain('claude_proxy_requests_total{door="openai",provider="openai",model="gpt-4o-mini",tier="none",status="200"} 2');
  expect(requests).toContain('claude_proxy_requests_total{door="openai",provider="openai",model="none",tier="none",status="200"} 1');
  expect(requests).toContain('claude_proxy_requests_total{door="openai",provider="openai",model="model-1199",tier="none",status="200"} 1');
  expect(text).toContain('claude_proxy_added_duration_seconds_count{door="openai",provider="openai",model="model-[redacted]",measure="total"} 2');
  // Remembered: far fewer redactions than labels asked for (two per row).
  expect(calls).toBeLessThan(names.length * 2);
});
