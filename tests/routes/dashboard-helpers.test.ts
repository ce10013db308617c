import { describe, expect, test } from "bun:test";
import { histogramBars, percentileOf } from "../../src/db/dashboard/latency-histogram";
import { decodeCursor, encodeCursor } from "../../src/db/dashboard/requests-queries";
import { statsWindow } from "../../src/db/stats-window";
import { csvCell } from "../../src/routes/dashboard/request-csv";
import { parseRequestQuery } from "../../src/routes/dashboard/request-filter-query";
import { MASK, maskSecretsInText, settingEntries } from "../../src/routes/dashboard/settings-entries";
import { niceScale } from "../../views/components/chart-scale";

/** The dashboard's pure helpers: masking, CSV cells, time windows, histogram percentiles, scales. */
describe("settings masking", () => {
  test("values under a secret-sounding name are masked at any depth; others are shown", () => {
    const entries = settingEntries({
      port: 3000,
      openai: { apiKey: "sk-live-123456789", baseUrl: "https://api.openai.com/v1" },
      customProviders: [{ id: "a", apiKey: "k", headers: { "x-custom": "v" } }],
      gateway: { authToken: "t", clientSecret: "s", dbPassword: "p", empty: "" },
    });
    const value = (name: string) => entries.find((entry) => entry.name === name)?.value;
    expect(value("port")).toBe("3000");
    expect(value("openai.apiKey")).toBe(MASK);
    expect(value("openai.baseUrl")).toBe("https://api.openai.com/v1");
    expect(value("customProviders[0].apiKey")).toBe(MASK);
    expect(value("customProviders[0].headers.x-custom")).toBe(MASK);
    expect(value("gateway.authToken")).toBe(MASK);
    expect(value("gateway.clientSecret")).toBe(MASK);
    expect(value("gateway.dbPassword")).toBe(MASK);
    expect(value("gateway.empty")).toBe("(not set)");
  });

  test("URL passwords, key query parameters and key-shaped strings are masked inside any value", () => {
    expect(maskSecretsInText("postgres://app:s3cret@db:5432/x")).toBe(`postgres://app:${MASK}@db:5432/x`);
    expect(maskSecretsInText("https://h/v1?api_key=abc&x=1")).toBe(`https://h/v1?api_key=${MASK}&x=1`);
    expect(maskSecretsInText("model sk-abcdefghijklmnop")).not.toContain("abcdefghijklmnop");
    expect(maskSecretsInText("https://api.example.com/v1")).toBe("https://api.example.com/v1");
  });
});

describe("CSV cells", () => {
  test("quotes what needs quoting and defuses spreadsheet formulas", () => {
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("-1+2")).toBe("'-1+2");
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(null)).toBe("");
    expect(csvCell(new Date("2026-01-02T03:04:05.000Z"))).toBe("2026-01-02T03:04:05.000Z");
  });
});

describe("time windows", () => {
  test("each range has whole buckets ending with the one that holds now", () => {
    const now = new Date(2026, 4, 17, 14, 25);
    const day = statsWindow("24h", now);
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets.at(-1)).toEqual(new Date(2026, 4, 17, 14));
    const week = statsWindow("7d", now);
    expect(week.buckets).toHaveLength(28);
    expect(week.buckets.at(-1)).toEqual(new Date(2026, 4, 17, 12));
    const month = statsWindow("30d", now);
    expect(month.buckets[0]).toEqual(new Date(2026, 3, 18));
    expect(month.startOfMonth).toEqual(new Date(2026, 4, 1));
  });
});

describe("latency histogram", () => {
  test("percentiles land inside the slot that holds them, and bars cover every slot", () => {
    // 10 values in slot 40 (100–112 ms), 10 in slot 60 (1000–1122 ms).
    const slots = [
      { slot: 40, count: 10 },
      { slot: 60, count: 10 },
    ];
    expect(percentileOf(slots, 0.25)).toBeGreaterThanOrEqual(100);
    expect(percentileOf(slots, 0.25)).toBeLessThan(113);
    expect(percentileOf(slots, 0.95)).toBeGreaterThanOrEqual(1000);
    expect(percentileOf([], 0.5)).toBeNull();
    const bars = histogramBars(slots);
    expect(bars[0]!.fromMs).toBeCloseTo(100, 6);
    expect(bars.at(-1)!.toMs).toBeCloseTo(1000 * 10 ** 0.2, 6);
    expect(bars.reduce((total, bar) => total + bar.count, 0)).toBe(20);
  });
});

describe("chart scale", () => {
  test("ticks are round numbers covering the maximum", () => {
    expect(niceScale(0.37)).toEqual({ max: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(niceScale(1432).max).toBe(1500);
    expect(niceScale(0).max).toBe(1);
  });
});

describe("request filter query", () => {
  test("empty fields mean any; classes, codes and times parse; cursors round-trip", () => {
    const now = new Date("2026-05-01T12:00:00Z");
    const parsed = parseRequestQuery({ provider: "", status: "failed", time: "1h", model: "m" }, now);
    expect(parsed.ok && parsed.query.filter).toMatchObject({ provider: undefined, status: "failed", model: "m", since: new Date("2026-05-01T11:00:00Z") });
    const code = parseRequestQuery({ status: "429" });
    expect(code.ok && code.query.filter.status).toBe(429);
    expect(parseRequestQuery({ status: "bad" }).ok).toBe(false);
    const cursor = encodeCursor({ createdAt: now, taskId: "0f8fad5b-d9cb-469f-a165-70867728950e" });
    expect(decodeCursor(cursor)).toEqual({ createdAt: now, taskId: "0f8fad5b-d9cb-469f-a165-70867728950e" });
    expect(decodeCursor("junk")).toBeUndefined();
  });
});
