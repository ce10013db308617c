import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { insertRequestLogs } from "../../src/db/queries";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * The dashboard's routes over a real proxy whose log holds requests sent with the official OpenAI
 * client: pages and partials, security headers, the same-origin guard of the test button, the JSON
 * API, the CSV export, and secrets kept off the settings page.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
const client = `dashboard-routes-test/${crypto.randomUUID()}`;
const secretKey = "sk-dashboardsecret0123456789";
const taskIds: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const providers = [
    {
      id: "local",
      baseUrl: upstream.url.replace("http://", "http://builder:hunter2@"),
      apiKey: "custom-secret-value",
      models: [
        { id: "fast-mini", inputPricePerMillion: 0.1, outputPricePerMillion: 0.4, tier: "economy" },
        { id: "big-model", inputPricePerMillion: 3, outputPricePerMillion: 15, tier: "premium" },
      ],
    },
  ];
  proxy = await startTestProxy({ CUSTOM_PROVIDERS: JSON.stringify(providers), OPENAI_API_KEY: secretKey, OPENAI_BASE_URL: upstream.url, BASELINE_MODEL: "local:big-model" });
  const openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0, defaultHeaders: { "user-agent": client } });
  for (const model of ["local:fast-mini", "local:fast-mini", "local:big-model"]) {
    const { response } = await openai.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }] }).withResponse();
    taskIds.push(response.headers.get("x-task-id")!);
  }
  upstream.enqueue({ kind: "error", status: 500, body: { error: { message: "boom", type: "server_error" } } });
  await openai.chat.completions.create({ model: "local:fast-mini", messages: [{ role: "user", content: "fail" }] }).catch(() => undefined);
  await proxy.proxy.logWriter.flush();
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${proxy.origin}${path}`, { headers });
const clientQuery = `client=${encodeURIComponent(client)}`;

describe("pages", () => {
  for (const path of ["/", "/dashboard", "/dashboard?range=7d", "/dashboard?range=30d", "/dashboard/requests", "/dashboard/providers", "/dashboard/routing", "/dashboard/budgets", "/dashboard/settings"]) {
    test(`${path} is a whole HTML page with the security headers`, async () => {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      const html = await response.text();
      expect(html).toStartWith("<!doctype html><html");
      expect(html).not.toContain("style=");
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    });
  }

  test("an htmx request gets the fragment; a history restore or a full-page htmx request gets the page", async () => {
    const partial = await (await get("/dashboard?range=7d", { "hx-request": "true", "hx-request-type": "partial" })).text();
    expect(partial).toStartWith('<div id="overview-content"');
    expect(partial).not.toContain("<html");
    const fullPageRequests: Array<Record<string, string>> = [{ "hx-request": "true", "hx-history-restore-request": "true" }, { "hx-request": "true", "hx-request-type": "full" }];
    for (const headers of fullPageRequests) {
      expect(await (await get("/dashboard?range=7d", headers)).text()).toStartWith("<!doctype html>");
    }
    const list = await (await get(`/dashboard/requests?${clientQuery}`, { "hx-request": "true" })).text();
    expect(list).toStartWith('<div id="request-list"');
  });

  test("htmx comes from the htmx.org package, and static files are cacheable by their hash", async () => {
    const html = await (await get("/dashboard")).text();
    const htmxUrl = /<script src="([^"]+)"/.exec(html)![1]!;
    expect(htmxUrl).toStartWith("/static/htmx.min.js?v=");
    const response = await get(htmxUrl);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(response.headers.get("cache-control")).toContain("immutable");
    expect(await response.text()).toBe(readFileSync(require.resolve("htmx.org/dist/htmx.min.js"), "utf8"));
    const styles = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
    expect((await get(styles)).headers.get("content-type")).toContain("text/css");
    expect((await get("/static/htmx.min.js")).headers.get("cache-control")).toBe("no-cache");
  });

  test("the request list filters by client and links each request's detail", async () => {
    const html = await (await get(`/dashboard/requests?${clientQuery}`)).text();
    for (const taskId of taskIds) expect(html).toContain(`/dashboard/requests/${taskId}`);
    expect(html.match(/data-task-id=/g)).toHaveLength(4);
    const failed = await (await get(`/dashboard/requests?${clientQuery}&status=failed`)).text();
    expect(failed.match(/data-task-id=/g)).toHaveLength(1);
    expect(failed).toContain("badge-failed");
  });

  test("a bad filter is a 400 page naming the field", async () => {
    const response = await get("/dashboard/requests?status=maybe&time=1y");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("status:");
    expect(html).toContain("time:");
  });

  test("a request's detail shows its routing, cost and saving; an unknown one is a 404", async () => {
    const html = await (await get(`/dashboard/requests/${taskIds[0]}`)).text();
    expect(html).toContain("local:fast-mini");
    expect(html).toContain("Routing decision");
    expect(html).toContain("local:big-model");
    expect(html).toContain(client);
    expect((await get(`/dashboard/requests/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await get("/dashboard/requests/not-a-task")).status).toBe(404);
  });

  test("a request's detail shows its cache and compression outcomes", async () => {
    const hit = makeLogRow({ provider: "local", model: "fast-mini", cacheStatus: "hit", cacheSavedUsd: 0.0123, costUsd: 0  });
    const compressed = makeLogRow({ provider: "local", model: "big-model", cacheStatus: "miss", compressionTokensBefore: 5000, compressionTokensAfter: 3000 });
    const plain = makeLogRow({ provider: "local", model: "fast-mini" });
    await insertRequestLogs(proxy.proxy.database.db, [hit, compressed, plain]);
    try {
      const hitPage = await (await get(`/dashboard/requests/${hit.taskId}`)).text();
      expect(hitPage).toContain("hit: answered from the cache");
      expect(hitPage).toContain("saved $0.01<");
      const compressedPage = await (await get(`/dashboard/requests/${compressed.taskId}`)).text();
      expect(compressedPage).toContain("miss: sent to the model");
      // 2,000 tokens at big-model's $3 per million input tokens.
      expect(compressedPage).toContain("5,000 → 3,000 prompt tokens · <strong>2,000 saved</strong> (40%), $0.0060 at the model&#39;s input price");
      const plainPage = await (await get(`/dashboard/requests/${plain.taskId}`)).text();
      expect(plainPage).toContain("not asked (cache off");
      expect(plainPage).toContain("did not run");
    } finally {
      await deleteLogRows(proxy.proxy.database.db, [hit.taskId, compressed.taskId, plain.taskId]);
    }
  });

  test("the settings page masks every secret", async () => {
    const html = await (await get("/dashboard/settings")).text();
    expect(html).toContain("openai.apiKey");
    expect(html).not.toContain(secretKey);
    expect(html).not.toContain("custom-secret-value");
    expect(html).not.toContain("hunter2");
    expect(html).toContain("builder:••••••••@");
  });
});

describe("provider test button", () => {
  const post = (headers: Record<string, string>) =>
    fetch(`${proxy.origin}/dashboard/providers/test`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: "provider=local&model=fast-mini",
    });

  test("cross-site or unmarked posts are refused", async () => {
    expect((await post({ "sec-fetch-site": "cross-site", origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({})).status).toBe(403);
  });

  test("a same-origin post sends a tiny request through the pipeline and shows the answer", async () => {
    const calls = upstream.requests.length;
    const response = await post({ "sec-fetch-site": "same-origin", origin: proxy.origin, "hx-request": "true" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toStartWith('<div class="test-result test-ok" data-status="200">');
    expect(html).toContain("local:fast-mini");
    expect(html).toContain("Hello from the mock upstream.");
    expect(upstream.requests.length).toBe(calls + 1);
    const taskId = /\/dashboard\/requests\/([0-9a-f-]{36})/.exec(html)![1]!;
    expect((await proxy.logRow(taskId))?.userAgent).toBe("claude-proxy-dashboard/provider-test");
  });

  test("without JavaScript the post answers with the whole providers page, result included", async () => {
    const html = await (await post({ origin: proxy.origin })).text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("test-result test-ok");
  });

  test("only listed models of active providers can be tested", async () => {
    const response = await fetch(`${proxy.origin}/dashboard/providers/test`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: proxy.origin },
      body: "provider=local&model=../../etc",
    });
    expect(response.status).toBe(400);
  });
});

describe("JSON and CSV", () => {
  test("/api/requests pages through the filtered log with a cursor", async () => {
    const first = (await (await get(`/api/requests?${clientQuery}&limit=3`)).json()) as { data: Array<{ taskId: string; savedUsd: number | null }>; next: string };
    expect(first.data).toHaveLength(3);
    expect(first.next).toBeString();
    const second = (await (await get(`/api/requests?${clientQuery}&limit=3&before=${first.next}`)).json()) as { data: Array<{ taskId: string }>; next: string | null };
    expect(second.data).toHaveLength(1);
    expect(second.next).toBeNull();
    expect(new Set([...first.data, ...second.data].map((row) => row.taskId)).size).toBe(4);
    const bad = await get("/api/requests?limit=100000");
    expect(bad.status).toBe(400);
    const refusal = ((await bad.json()) as { error: { message: string; param: string; code: string } }).error;
    expect(refusal.message).toContain("limit");
    expect(refusal).toMatchObject({ param: "limit", code: "invalid_query" });
    // A cursor that is not one is a 400 naming it, not the first page again.
    const garbage = await get(`/api/requests?${clientQuery}&before=garbage`);
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { error: { message: string } }).error.message).toContain("before: must be a page cursor");
    expect((await get(`/api/requests?${clientQuery}&before=`)).status).toBe(200);
  });

  test("the client filter takes the User-Agent or its beginning (claude-cli matches every Claude Code version); LIKE's wildcards are plain characters", async () => {
    const rows = async (value: string) => ((await (await get(`/api/requests?client=${encodeURIComponent(value)}`)).json()) as { data: Array<{ taskId: string }> }).data.map((row) => row.taskId);
    const all = await rows(client);
    expect(all).toHaveLength(4);
    expect((await rows(client.slice(0, client.length - 20))).sort()).toEqual([...all].sort());
    expect(await rows(client.replace("dashboard-routes", "dashboard%routes"))).toEqual([]);
    expect(await rows(client.replace("dashboard-routes", "dashboard_routes"))).toEqual([]);
  });

  test("/api/stats has the overview's numbers: savings by source, cache hit rate, compression, budgets", async () => {
    type Stats = Record<string, unknown> & {
      totals: { requests: number; savedUsd: number; withoutProxyUsd: number; costUsd: number };
      buckets: string[];
      costByProvider: Array<{ key: string; points: number[] }>;
      cacheSaved: number[];
      compressionSaved: number[];
      savings: { routingUsd: number; subscriptionUsd: number; cacheUsd: number; compressionUsd: number; totalUsd: number; withoutProxyUsd: number };
      cache: { enabled: boolean; hits: number; misses: number; hitRate: number | null };
      compression: { enabled: boolean; tokensBefore: number; tokensAfter: number; tokensSaved: number };
      budgets: { daily: unknown; monthly: unknown };
    };
    const stats = (await (await get("/api/stats?range=24h")).json()) as Stats;
    expect(stats.range).toBe("24h");
    expect(stats.buckets).toHaveLength(24);
    expect(stats.totals.requests).toBeGreaterThanOrEqual(4);
    expect(stats.costByProvider.find((series) => series.key === "local")?.points).toHaveLength(24);
    expect(stats.cacheSaved).toHaveLength(24);
    expect(stats.compressionSaved).toHaveLength(24);
    const { savings } = stats;
    expect(savings.totalUsd).toBeCloseTo(savings.routingUsd + savings.subscriptionUsd + savings.cacheUsd + savings.compressionUsd, 12);
    expect(savings.withoutProxyUsd).toBeCloseTo(stats.totals.costUsd + savings.totalUsd, 12);
    // This proxy runs without the response cache (test-proxy.ts) and with compression on.
    expect(stats.cache.enabled).toBe(false);
    expect(stats.compression.enabled).toBe(true);
    expect(stats.compression.tokensSaved).toBe(stats.compression.tokensBefore - stats.compression.tokensAfter);
    expect(stats.baselineModel).toBe("local:big-model");
    expect(stats.budgets).toEqual({ daily: null, monthly: null });
    const bad = await get("/api/stats?range=1y");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string; param: string } }).error).toMatchObject({ message: "Bad query: range: must be one of 24h, 7d, 30d", param: "range", code: "invalid_query" });
    expect((await get("/api/stats?range=")).status).toBe(200);
  });

  test("the CSV export has the filtered rows", async () => {
    const response = await get(`/dashboard/requests.csv?${clientQuery}`);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toContain("attachment");
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toStartWith("task_id,created_at,door,user_agent");
    expect(lines).toHaveLength(5);
    for (const taskId of taskIds) expect(lines.some((line) => line.startsWith(taskId))).toBe(true);
  });
});

describe("errors", () => {
  test("a page asked for with a trailing slash is sent to the page without it, its query kept", async () => {
    const unfollowed = (path: string) => fetch(`${proxy.origin}${path}`, { redirect: "manual" });
    const response = await unfollowed("/dashboard/");
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("/dashboard");
    const requests = await unfollowed("/dashboard/requests/?status=failed");
    expect(requests.status).toBe(301);
    expect(requests.headers.get("location")).toBe("/dashboard/requests?status=failed");
  });


  test("an unknown dashboard page is an HTML 404 with the security headers", async () => {
    const response = await get("/dashboard/nothing-here");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(await response.text()).toContain("Page not found");
  });
});
