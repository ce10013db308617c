import { expect, test } from "bun:test";
import { Counter, Histogram } from "../../src/metrics/prometheus-registry";

/**
 * Series are told apart by their whole label set, names and values in order, as a map keyed by
 * JSON.stringify(labels) tells them apart (the registry's earlier keying, kept here as the
 * reference), and are rendered in the order they first appeared.
 */
const escape = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function referenceCounter(name: string, calls: Array<[Record<string, string>, number]>): string[] {
  const series = new Map<string, { labels: Record<string, string>; total: number }>();
  for (const [labels, by] of calls) {
    const key = JSON.stringify(labels);
    const entry = series.get(key) ?? { labels, total: 0 };
    entry.total += by;
    series.set(key, entry);
  }
  return [...series.values()].map(({ labels, total }) => {
    const entries = Object.entries(labels);
    const text = entries.length === 0 ? "" : `{${entries.map(([key, value]) => `${key}="${escape(value)}"`).join(",")}}`;
    return `${name}${text} ${total}`;
  });
}

// Values that could run into each other if a key were made by joining them with a separator.
const values = ["", "a", "b", "a\u0000b", "a\u0001b", "b\u0000", "\u0000", "a;b", "a=1:b", "1:a", "x\ny", 'q"uote', "a\\b", "é", "a\u0000b\u0001c"];

function calls(): Array<[Record<string, string>, number]> {
  const list: Array<[Record<string, string>, number]> = [];
  let seed = 7;
  const pick = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return values[seed % values.length]!;
  };
  for (let index = 0; index < 3_000; index++) {
    const shape = index % 5;
    if (shape === 0) list.push([{ model: pick(), status: pick() }, 1]);
    else if (shape === 1) list.push([{ status: pick(), model: pick() }, 2]);
    else if (shape === 2) list.push([{ model: pick() }, 3]);
    else if (shape === 3) list.push([{}, 1]);
    else list.push([{ model: pick(), status: pick(), direction: pick() }, 5]);
  }
  return list;
}

test("a counter has one series per distinct label set, in the order the sets first appeared", () => {
  const counter = new Counter("requests_total", "help");
  const list = calls();
  for (const [labels, by] of list) counter.inc(labels, by);
  const rendered = counter.render();
  expect(rendered).toEqual(referenceCounter("requests_total", list));
  expect(rendered.length).toBeGreaterThan(200);
});

test("label sets that differ only in label order or in one value are different series", () => {
  const counter = new Counter("c", "help");
  counter.inc({ a: "x", b: "y" });
  counter.inc({ b: "y", a: "x" });
  counter.inc({ a: "x\u0000b", b: "" });
  counter.inc({ a: "x", b: "\u0000b" });
  counter.inc({ a: "x" });
  counter.inc({ a: "x", b: "y" }, 4);
  expect(counter.render()).toEqual(['c{a="x",b="y"} 5', 'c{b="y",a="x"} 1', 'c{a="x\u0000b",b=""} 1', 'c{a="x",b="\u0000b"} 1', 'c{a="x"} 1']);
});

test("a histogram counts each value into every bucket whose bound it does not exceed", () => {
  const histogram = new Histogram("h", "help", [0.1, 1, 10]);
  for (const value of [0.05, 0.1, 0.5, 1, 5, 10, 50]) histogram.observe({ door: "openai" }, value);
  histogram.observe({ door: "anthropic" }, 2);
  expect(histogram.render()).toEqual([
    'h_bucket{door="openai",le="0.1"} 2',
    'h_bucket{door="openai",le="1"} 4',
    'h_bucket{door="openai",le="10"} 6',
    'h_bucket{door="openai",le="+Inf"} 7',
    'h_sum{door="openai"} 66.65',
    'h_count{door="openai"} 7',
    'h_bucket{door="anthropic",le="0.1"} 0',
    'h_bucket{door="anthropic",le="1"} 0',
    'h_bucket{door="anthropic",le="10"} 1',
    'h_bucket{door="anthropic",le="+Inf"} 1',
    'h_sum{door="anthropic"} 2',
    'h_count{door="anthropic"} 1',
  ]);
});
