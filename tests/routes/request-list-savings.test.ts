import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { formatUsd } from "../../views/components/format";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * A request's saving in the request list, the CSV export and /api/requests is what the overview
 * counts for it: routing and subscription (the baseline's cost minus its own), what a cache hit
 * saved, and compression's tokens at the model's input price. A hit showed "—" in the list's Saved column and an empty saved_usd, though the
 * overview counted what it saved, so the list never added up to the overview.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
const client = `request-list-savings/${crypto.randomUUID().slice(0, 8)}`;
const tasks: string[] = [];

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-request-list-savings-000000", OPENAI_BASE_URL: upstream.url, CACHE_ENABLED: "true" });
  const openai = new OpenAI({ apiKey: "x", baseURL: proxy.url, maxRetries: 0, defaultHeaders: { "user-agent": client } });
  // Repeated log lines, so compression removes some prompt tokens too.
  const question = `Why does this fail? ${crypto.randomUUID()}\n${"npm WARN deprecated left-pad@1.0.0: use String.prototype.padStart()   \n".repeat(40)}`;
  for (const expected of ["MISS", "HIT"]) {
    const { response } = await openai.chat.completions.create({ model: "economy", temperature: 0, messages: [{ role: "user", content: question }] }).withResponse();
    expect(response.headers.get("x-cache")).toBe(expected);
    tasks.push(response.headers.get("x-task-id")!);
  }
  await proxy.proxy.logWriter.flush();
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

test("a cache hit's saving shows in the list, the CSV export and /api/requests", async () => {
  const miss = (await proxy.logRow(tasks[0]!))!;
  const hit = (await proxy.logRow(tasks[1]!))!;
  expect(hit.cacheStatus).toBe("hit");
  expect(hit.cacheSavedUsd).toBe(miss.costUsd);
  expect(miss.compressionTokensBefore!).toBeGreaterThan(miss.compressionTokensAfter!);
  // At the serving model's input price in the catalog, USD per million tokens.
  const inputPrice = proxy.proxy.pipeline.catalog.get(miss.provider!, miss.model!)!.input;
  expect(inputPrice).toBeGreaterThan(0);
  const compressionSaved = ((miss.compressionTokensBefore! - miss.compressionTokensAfter!) * inputPrice) / 1_000_000;
  const expected = new Map([
    [miss.taskId, miss.baselineCostUsd! - miss.costUsd + compressionSaved],
    [hit.taskId, hit.cacheSavedUsd!],
  ]);
  const query = `client=${encodeURIComponent(client)}`;

  const html = await (await fetch(`${proxy.origin}/dashboard/requests?${query}`)).text();
  for (const [taskId, saved] of expected) {
    const row = html.slice(html.indexOf(`id="task-${taskId}"`), html.indexOf("</tr>", html.indexOf(`id="task-${taskId}"`)));
    const cells = [...row.matchAll(/<td class="number">([^<]*)<\/td>/g)].map((match) => match[1]);
    // Tokens, cost, saved, latency.
    expect({ taskId, saved: cells[2] }).toEqual({ taskId, saved: formatUsd(saved) });
  }

  const csv = (await (await fetch(`${proxy.origin}/dashboard/requests.csv?${query}`)).text()).trim().split("\r\n");
  const column = csv[0]!.split(",").indexOf("saved_usd");
  for (const line of csv.slice(1)) {
    const cells = line.split(",");
    expect(Number(cells[column])).toBeCloseTo(expected.get(cells[0]!)!, 12);
  }

  const api = (await (await fetch(`${proxy.origin}/api/requests?${query}`)).json()) as { data: Array<{ taskId: string; savedUsd: number | null }> };
  expect(api.data.length).toBe(2);
  for (const row of api.data) expect(row.savedUsd!).toBeCloseTo(expected.get(row.taskId)!, 12);
});
