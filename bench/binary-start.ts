import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Size and start-up time of the compiled executable: `bun run bench/binary-start.ts [path]`
 * (default dist/claude-proxy-linux-x64; build it with `bun run build --target linux-x64`).
 * Cold = an empty directory (PGlite's initdb and the migrations); warm = the same data dir again.
 * Start-up is measured until GET /ready answers 200.
 */
const executable = process.argv[2] ?? "dist/claude-proxy-linux-x64";
const runs = 3;
const port = 43_000 + Math.floor(Math.random() * 1000);

async function timeStart(directory: string): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn([join(process.cwd(), executable), "--port", String(port)], {
    cwd: directory,
    env: { PATH: "/usr/bin:/bin", HOME: directory, OPENAI_API_KEY: "sk-bench-not-used", OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "error" },
    stdout: "ignore",
    stderr: "inherit",
  });
  try {
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.status === 200, () => false);
      if (ready) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`the executable exited with ${child.exitCode}`);
      await Bun.sleep(10);
    }
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}

console.log(`${executable}: ${(Bun.file(executable).size / 1024 / 1024).toFixed(1)} MiB`);
for (let run = 1; run <= runs; run++) {
  const directory = mkdtempSync(join(tmpdir(), "claude-proxy-start-"));
  try {
    const cold = await timeStart(directory);
    const warm = await timeStart(directory);
    console.log(`run ${run}: cold start ${(cold / 1000).toFixed(2)} s, warm start ${(warm / 1000).toFixed(2)} s`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
