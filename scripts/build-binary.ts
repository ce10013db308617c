import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";

/**
 * `bun run build`: the proxy as one executable per target in dist/, with views, static files,
 * migrations and PGlite's WASM embedded. `--target linux-x64` builds one; `--outdir` moves the
 * output. Cross-compiling downloads the target's Bun runtime from npm; a target whose runtime
 * cannot be fetched is reported and skipped, and the run fails only if nothing was built.
 */
const allTargets = ["linux-x64", "linux-arm64", "darwin-arm64"] as const;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { target: { type: "string", multiple: true }, outdir: { type: "string", default: "dist" } },
});
const targets = values.target ?? [...allTargets];
const host = `${process.platform}-${process.arch}`;
mkdirSync(values.outdir, { recursive: true });

let built = 0;
for (const target of targets) {
  const outfile = `${values.outdir}/claude-proxy-${target}`;
  const started = performance.now();
  // The host's own target uses the running Bun; the others need `bun-<target>` fetched by Bun.
  const result = Bun.spawnSync(
    ["bun", "build", "--compile", "--minify", "--sourcemap", `--target=bun-${target}`, "src/index.ts", "--outfile", outfile],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (result.exitCode === 0) {
    built++;
    const size = Bun.file(outfile).size / 1024 / 1024;
    console.log(`built ${outfile} (${size.toFixed(1)} MiB, ${((performance.now() - started) / 1000).toFixed(1)} s)${target === host ? "" : " [cross-compiled]"}`);
  } else {
    const reason = `${result.stderr.toString()}${result.stdout.toString()}`.trim().split("\n").slice(-3).join(" / ");
    console.error(`could not build ${target}: ${reason}`);
  }
}
if (built === 0) process.exit(1);
