/**
 * Summarises a .cpuprofile written with BENCH_PROFILE_DIR (bun --cpu-prof): self and inclusive
 * time per function, optionally only for samples whose stack contains `focus`. Each sample counts
 * at most 1.5 ms: the profiler records a long stall as one huge sample, which the generated .md
 * charges to whatever function it happened to land in.
 *
 *   bun run bench/summarize-profile.ts <file.cpuprofile> [skip seconds] [focus]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export {};

const [file, skipArgument = "0", focus] = process.argv.slice(2);
if (!file) throw new Error("usage: bun run bench/summarize-profile.ts <file.cpuprofile> [skip seconds] [focus]");
const profile = (await Bun.file(file).json()) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const label = (node: ProfileNode) =>
  `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.replace(/.*node_modules\//, "").replace(`file://${process.cwd()}/`, "")}:${node.callFrame.lineNumber}`;

const skipMicroseconds = Number(skipArgument) * 1e6;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let clock = 0;
for (const [index, sample] of profile.samples.entries()) {
  const delta = profile.timeDeltas[index] ?? 0;
  clock += delta;
  if (clock < skipMicroseconds) continue;
  const leaf = nodes.get(sample);
  if (!leaf || leaf.callFrame.functionName === "(idle)" || leaf.callFrame.functionName === "(program)") continue;
  const stack: string[] = [];
  for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) stack.push(label(nodes.get(id)!));
  if (focus && !stack.some((frame) => frame.includes(focus))) continue;
  const ms = Math.min(delta / 1000, 1.5);
  total += ms;
  self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + ms);
  for (const frame of new Set(stack)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + ms);
}

const top = (table: Map<string, number>, count: number) =>
  [...table]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([frame, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${frame.slice(0, 160)}`)
    .join("\n");
console.log(`busy time sampled: ${total.toFixed(0)} ms${focus ? ` (stacks containing "${focus}")` : ""}`);
console.log(`\nself time\n${top(self, 30)}`);
console.log(`\ninclusive time\n${top(inclusive, 60)}`);
