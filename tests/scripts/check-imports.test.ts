import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SourceFile, checkImports, describeViolation, readSources, relativeImports, resolveImport } from "../../scripts/check-imports";

/**
 * The import-graph check: proven on small made-up file sets to find what it must (a cycle, each
 * forbidden arrow) and nothing else, then run over the real src/.
 */
const projectRoot = join(import.meta.dir, "..", "..");

/** A file set from `path: imports` pairs; each import becomes a plain `import { x } from "…"` line. */
function files(spec: Record<string, string[]>): SourceFile[] {
  return Object.entries(spec).map(([path, imports]) => ({ path, text: imports.map((specifier, index) => `import { x${index} } from "${specifier}";`).join("\n") }));
}

describe("reading imports", () => {
  test("every form of relative import counts, type-only ones included; packages, comments and strings do not", () => {
    const text = [
      `import type { A } from "./a";`,
      `import { type B, c } from "../b";`,
      `import "./side-effect";`,
      `export * from "./star";`,
      `export { d } from "./d";`,
      `export type { E } from "./e";`,
      `const lazy = await import("./lazy");`,
      `type Query = import("./type-query").Query;`,
      `import { Hono } from "hono";`,
      `// import { old } from "./commented-out";`,
      `const help = "import { x } from './in-a-string'";`,
    ].join("\n");
    expect(relativeImports(text)).toEqual(["./a", "../b", "./side-effect", "./star", "./d", "./e", "./lazy", "./type-query"]);
  });

  test("specifiers resolve the way the bundler resolves them", () => {
    const known = new Set(["src/a/b.ts", "src/a/view.tsx", "src/c/index.ts", "src/d.ts"]);
    expect(resolveImport("src/a/x.ts", "./b", known)).toBe("src/a/b.ts");
    expect(resolveImport("src/a/x.ts", "./view", known)).toBe("src/a/view.tsx");
    expect(resolveImport("src/a/x.ts", "../c", known)).toBe("src/c/index.ts");
    expect(resolveImport("src/a/x.ts", "../d.js", known)).toBe("src/d.ts");
    expect(resolveImport("src/a/x.ts", "../../views/page", known)).toBe("views/page");
  });
});

describe("cycles", () => {
  test("two files importing each other", () => {
    const violations = checkImports(files({ "src/a.ts": ["./b"], "src/b.ts": ["./a"] }), []);
    expect(violations).toEqual([{ kind: "cycle", files: ["src/a.ts", "src/b.ts"], example: ["src/a.ts", "src/b.ts", "src/a.ts"] }]);
  });

  test("a loop through three folders, made of type-only imports, is one component with its loop shown", () => {
    const set: SourceFile[] = [
      { path: "src/pipeline/context.ts", text: `import type { Router } from "../routing/router";` },
      { path: "src/routing/router.ts", text: `import type { Directory } from "./directory";` },
      { path: "src/routing/directory.ts", text: `import type { Context } from "../pipeline/context";\nimport { clamp } from "../util/clamp";` },
      { path: "src/util/clamp.ts", text: "" },
    ];
    const [cycle, ...rest] = checkImports(set, []);
    expect(rest).toEqual([]);
    expect(cycle).toEqual({
      kind: "cycle",
      files: ["src/pipeline/context.ts", "src/routing/directory.ts", "src/routing/router.ts"],
      example: ["src/pipeline/context.ts", "src/routing/router.ts", "src/routing/directory.ts", "src/pipeline/context.ts"],
    });
  });

  test("a file importing itself", () => {
    expect(checkImports(files({ "src/a.ts": ["./a"] }), [])).toEqual([{ kind: "cycle", files: ["src/a.ts"], example: ["src/a.ts", "src/a.ts"] }]);
  });

  test("two separate cycles are two violations; a diamond is none", () => {
    const set = files({
      "src/a.ts": ["./b", "./c"],
      "src/b.ts": ["./d"],
      "src/c.ts": ["./d"],
      "src/d.ts": [],
      "src/x/one.ts": ["./two"],
      "src/x/two.ts": ["./one"],
      "src/y/one.ts": ["./two"],
      "src/y/two.ts": ["./one"],
    });
    expect(checkImports(set, []).map((violation) => violation.kind === "cycle" && violation.files)).toEqual([
      ["src/x/one.ts", "src/x/two.ts"],
      ["src/y/one.ts", "src/y/two.ts"],
    ]);
    expect(checkImports(files({ "src/a.ts": ["./b", "./c"], "src/b.ts": ["./d"], "src/c.ts": ["./d"], "src/d.ts": [] }))).toEqual([]);
  });
});

describe("forbidden arrows", () => {
  const forbidden = (set: SourceFile[]) =>
    checkImports(set).flatMap((violation) => (violation.kind === "forbidden" ? [`${violation.from} -> ${violation.to}`] : [`cycle ${violation.files.join(" ")}`]));

  test("routing never imports the pipeline, not even a type", () => {
    const set = [
      { path: "src/routing/router.ts", text: `import type { Candidate } from "../pipeline/context";` },
      { path: "src/pipeline/context.ts", text: "" },
      { path: "src/pipeline/stages/route.ts", text: `import { Router } from "../../routing/router";` },
    ];
    expect(forbidden(set)).toEqual(["src/routing/router.ts -> src/pipeline/context.ts"]);
  });

  test("stream transformers never import providers; providers import transformers", () => {
    const set = [
      { path: "src/stream-transformers/gemini-chunks.ts", text: `export { usage } from "../providers/gemini/map-gemini-usage";\nconst lazy = import("../providers/gemini/ids");` },
      { path: "src/stream-transformers/map-usage.ts", text: "" },
      { path: "src/providers/gemini/map-gemini-usage.ts", text: "" },
      { path: "src/providers/gemini/ids.ts", text: "" },
      { path: "src/providers/gemini/gemini-provider.ts", text: `import { transform } from "../../stream-transformers/gemini-chunks";\nimport { usage } from "../../stream-transformers/map-usage";` },
    ];
    expect(forbidden(set)).toEqual([
      "src/stream-transformers/gemini-chunks.ts -> src/providers/gemini/map-gemini-usage.ts",
      "src/stream-transformers/gemini-chunks.ts -> src/providers/gemini/ids.ts",
    ]);
  });

  test("the catalog imports nothing of ours outside src/catalog, inside src or not; packages are fine", () => {
    const set = [
      { path: "src/catalog/model-catalog.ts", text: `import { z } from "zod";\nimport { TIERS } from "./tiers";\nimport type { Usage } from "../chat/types";\nimport { page } from "../../views/page";` },
      { path: "src/catalog/tiers.ts", text: "" },
      { path: "src/chat/types.ts", text: "" },
      { path: "src/routing/router.ts", text: `import { TIERS } from "../catalog/tiers";` },
    ];
    expect(forbidden(set)).toEqual(["src/catalog/model-catalog.ts -> src/chat/types.ts", "src/catalog/model-catalog.ts -> views/page"]);
  });
});

describe("the command line", () => {
  const project = mkdtempSync(join(tmpdir(), "check-imports-"));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  function run(tree: Record<string, string>) {
    rmSync(join(project, "src"), { recursive: true, force: true });
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(join(project, path, ".."), { recursive: true });
      writeFileSync(join(project, path), text);
    }
    const result = Bun.spawnSync(["bun", join(projectRoot, "scripts", "check-imports.ts")], { cwd: project });
    return { exitCode: result.exitCode, output: result.stdout.toString() };
  }

  test("exits 1 and names the files of a cycle and of a forbidden import", () => {
    const { exitCode, output } = run({
      "src/routing/router.ts": `import { a } from "../pipeline/context";`,
      "src/pipeline/context.ts": `import { b } from "../routing/router";`,
    });
    expect(exitCode).toBe(1);
    expect(output).toContain("cycle of 2 files: src/pipeline/context.ts → src/routing/router.ts → src/pipeline/context.ts");
    expect(output).toContain("routing never imports the pipeline: src/routing/router.ts imports src/pipeline/context.ts");
  });

  test("exits 0 on a clean tree", () => {
    const { exitCode, output } = run({ "src/pipeline/context.ts": `import { b } from "../routing/router";`, "src/routing/router.ts": "" });
    expect(exitCode).toBe(0);
    expect(output).toContain("no cycles, no forbidden imports");
  });
});

describe("the real sources", () => {
  test("src/ has no import cycle and no forbidden import", () => {
    expect(checkImports(readSources("src", projectRoot)).map(describeViolation)).toEqual([]);
  });
});
