/**
 * A small Prometheus registry: counters, histograms and gauges with labels, rendered in the text
 * exposition format (version 0.0.4). Hand-written rather than prom-client: the proxy needs a dozen
 * series and no default process metrics, and this adds no dependency and nothing to start-up.
 */
export type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  render(): string[];
}

const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeValue = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? "" : `{${entries.map(([key, value]) => `${key}="${escapeValue(value)}"`).join(",")}}`;
}

const formatNumber = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? "+Inf" : value < 0 ? "-Inf" : "NaN");

/** A label set's place in a SeriesMap: one level per label, by name, then by value. */
interface SeriesNode<T> {
  children?: Map<string, Map<string, SeriesNode<T>>>;
  entry?: { labels: Labels; value: T };
}

/**
 * Series keyed by their label set (names and values, in order: the identity JSON.stringify would
 * give them), kept in insertion order. Found by walking one map per label rather than by a string
 * key built per call: the label values are mostly the same string objects request after request,
 * whose hashes the engine keeps, while a new key string is hashed whole at every lookup.
 */
class SeriesMap<T> {
  private readonly root: SeriesNode<T> = {};
  private readonly ordered: Array<{ labels: Labels; value: T }> = [];
  constructor(private readonly create: () => T) {}
  get(labels: Labels): T {
    let node = this.root;
    for (const name in labels) {
      const value = labels[name]!;
      const children = (node.children ??= new Map());
      let byValue = children.get(name);
      if (!byValue) children.set(name, (byValue = new Map()));
      let child = byValue.get(value);
      if (!child) byValue.set(value, (child = {}));
      node = child;
    }
    if (!node.entry) this.ordered.push((node.entry = { labels, value: this.create() }));
    return node.entry.value;
  }
  entries() {
    return [...this.ordered];
  }
}

export class Counter implements Family {
  readonly type = "counter";
  private readonly values = new SeriesMap(() => ({ total: 0 }));
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    this.values.get(labels).total += by;
  }
  render(): string[] {
    return this.values.entries().map(({ labels, value }) => `${this.name}${labelText(labels)} ${formatNumber(value.total)}`);
  }
}

/** A gauge read when scraped: the callback returns each series' current value. */
export class Gauge implements Family {
  readonly type = "gauge";
  constructor(readonly name: string, readonly help: string, private readonly read: () => Array<{ labels: Labels; value: number }>) {}
  render(): string[] {
    return this.read().map(({ labels, value }) => `${this.name}${labelText(labels)} ${formatNumber(value)}`);
  }
}

/** A counter kept elsewhere (a service's own tally), read when scraped. */
export class ReadCounter implements Family {
  readonly type = "counter";
  constructor(readonly name: string, readonly help: string, private readonly read: () => Array<{ labels: Labels; value: number }>) {}
  render(): string[] {
    return this.read().map(({ labels, value }) => `${this.name}${labelText(labels)} ${formatNumber(value)}`);
  }
}

export class Histogram implements Family {
  readonly type = "histogram";
  private readonly values: SeriesMap<{ buckets: number[]; sum: number; count: number }>;
  constructor(readonly name: string, readonly help: string, private readonly bounds: number[]) {
    this.values = new SeriesMap(() => ({ buckets: bounds.map(() => 0), sum: 0, count: 0 }));
  }
  observe(labels: Labels, value: number): void {
    const series = this.values.get(labels);
    const bounds = this.bounds;
    for (let index = 0; index < bounds.length; index++) if (value <= bounds[index]!) series.buckets[index]!++;
    series.sum += value;
    series.count++;
  }
  render(): string[] {
    return this.values.entries().flatMap(({ labels, value }) => [
      ...this.bounds.map((bound, index) => `${this.name}_bucket${labelText({ ...labels, le: formatNumber(bound) })} ${value.buckets[index]}`),
      `${this.name}_bucket${labelText({ ...labels, le: "+Inf" })} ${value.count}`,
      `${this.name}_sum${labelText(labels)} ${formatNumber(value.sum)}`,
      `${this.name}_count${labelText(labels)} ${value.count}`,
    ]);
  }
}

export class PrometheusRegistry {
  private readonly families: Family[] = [];
  register<T extends Family>(family: T): T {
    this.families.push(family);
    return family;
  }
  /** The whole exposition; families without series still announce their HELP and TYPE. */
  render(): string {
    const lines = this.families.flatMap((family) => [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`, ...family.render()]);
    return `${lines.join("\n")}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
