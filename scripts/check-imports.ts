import { readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import ts from "typescript";

/**
 * The import graph of our sources, checked against the layering the architecture promises: no file
 * imports a file that imports it back (directly or through others), and a few arrows that must run
 * one way only. Type-only imports count: a type circle ties modules together as much as a value one.
 *
 *   bun run check:imports   (scripts/check-imports.ts [dir], dir default src, relative to the
 *                            current directory; lists what is wrong and exits 1)
 */
export interface SourceFile {
  /** Relative to the project root, with forward slashes: `src/routing/router.ts`. */
  path: string;
  text: string;
}

/** An import that must not exist: from a file `from` matches to a file `to` matches. */
export interface ImportRule {
  name: string;
  from(path: string): boolean;
  to(path: string): boolean;
}

export type ImportViolation =
  /** A strongly connected component: every file in it reaches every other; `example` is one loop through it. */
  | { kind: "cycle"; files: string[]; example: string[] }
  | { kind: "forbidden"; rule: string; from: string; to: string; specifier: string };

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

export const defaultRules: ImportRule[] = [
  { name: "routing never imports the pipeline", from: under("src/routing"), to: under("src/pipeline") },
  { name: "stream transformers never import providers (providers import transformers)", from: under("src/stream-transformers"), to: under("src/providers") },
  { name: "the catalog imports nothing of ours outside src/catalog", from: under("src/catalog"), to: (path) => !under("src/catalog")(path) },
];

const sourceExtensions = [".ts", ".tsx", ".mts"];
const isSource = (path: string) => sourceExtensions.some((extension) => path.endsWith(extension)) && !path.endsWith(".d.ts");

/** The relative specifiers of one file: static imports, `export … from`, `import()` and `import("…").Type`. */
export function relativeImports(text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"));
}

/** Where a relative specifier points, the way the bundler resolves it; unresolved, the bare joined path. */
export function resolveImport(from: string, specifier: string, known: ReadonlySet<string>): string {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const withoutJs = base.replace(/\.js$/, "");
  const candidates = [base, ...[withoutJs, `${withoutJs}/index`].flatMap((stem) => sourceExtensions.map((extension) => `${stem}${extension}`))];
  return candidates.find((candidate) => known.has(candidate)) ?? base;
}

/** Every source file's imports, resolved: file → [{ to, specifier }]. Only files in `files` are nodes. */
export function importGraph(files: SourceFile[]): Map<string, Array<{ to: string; specifier: string }>> {
  const known = new Set(files.map((file) => file.path));
  const graph = new Map<string, Array<{ to: string; specifier: string }>>();
  for (const file of files) {
    if (!isSource(file.path)) continue;
    graph.set(
      file.path,
      relativeImports(file.text).map((specifier) => ({ specifier, to: resolveImport(file.path, specifier, known) })),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file, or one file importing itself (Tarjan). */
export function findCycles(graph: Map<string, Array<{ to: string }>>): Array<{ files: string[]; example: string[] }> {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const next = (node: string) => (graph.get(node) ?? []).map((edge) => edge.to).filter((to) => graph.has(to));

  const visit = (node: string) => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next(node)) {
      if (!index.has(target)) {
        visit(target);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(target)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next(node).includes(node)) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);

  return components
    .sort((left, right) => left[0]!.localeCompare(right[0]!))
    .map((files) => ({ files, example: shortestLoop(files[0]!, new Set(files), next) }));
}

/** The shortest path from `start` back to itself inside the component (breadth first), for the report. */
function shortestLoop(start: string, component: Set<string>, next: (node: string) => string[]): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next(node).filter((candidate) => component.has(candidate))) {
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}

/** Every cycle and every forbidden import among the given files. */
export function checkImports(files: SourceFile[], rules: ImportRule[] = defaultRules): ImportViolation[] {
  const graph = importGraph(files);
  const violations: ImportViolation[] = findCycles(graph).map((cycle) => ({ kind: "cycle", ...cycle }));
  for (const [from, edges] of [...graph.entries()].sort(([left], [right]) => left.localeCompare(right))) {
    for (const edge of edges) {
      for (const rule of rules) {
        if (rule.from(from) && rule.to(edge.to)) violations.push({ kind: "forbidden", rule: rule.name, from, to: edge.to, specifier: edge.specifier });
      }
    }
  }
  return violations;
}

/** All files under `dir`, with paths relative to `root` (the project root). */
export function readSources(dir: string, root = process.cwd()): SourceFile[] {
  const absolute = posix.resolve(root, dir);
  return (readdirSync(absolute, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile())
    .map((entry) => posix.relative(root, posix.join(entry.parentPath, entry.name)))
    .sort()
    .map((path) => ({ path, text: isSource(path) ? readFileSync(posix.join(root, path), "utf8") : "" }));
}

export function describeViolation(violation: ImportViolation): string {
  if (violation.kind === "cycle") return `cycle of ${violation.files.length} files: ${violation.example.join(" → ")}\n  all: ${violation.files.join(", ")}`;
  return `${violation.rule}: ${violation.from} imports ${violation.to} ("${violation.specifier}")`;
}

if (import.meta.main) {
  const violations = checkImports(readSources(process.argv[2] ?? "src"));
  for (const violation of violations) console.log(describeViolation(violation));
  console.log(violations.length === 0 ? "imports: no cycles, no forbidden imports" : `imports: ${violations.length} problem(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
