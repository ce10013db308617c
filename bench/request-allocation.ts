import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchProxyConfig } from "./bench-proxy-config";
import { silentLogger } from "../src/logger";
import { buildProxy } from "../src/server";
import { benchProxyEnv } from "./bench-budget";
import { benchBody } from "./bench-question";
import { mixedAgentBodies } from "./agent-requests";
import { startChild } from "./child-process";
import { summarizeGcLog } from "./gc-log-summary";

/**
 * `bun run bench/request-allocation.ts [requests] [agent:<bytes>]`: how much JavaScript heap one small request
 * allocates inside the proxy (the benchmark's request through `app.fetch`, every stage on, at 32 at
 * once, to the mock upstream in its own process), counted from JavaScriptCore's own log of each
 * collection cycle (BUN_JSC_logGC=1, gc-log-summary.ts): a figure the machine's load does not move,
 * unlike CPU time. The parent runs the measurement in a child process so the log is the child's alone.
 * Includes what the harness itself allocates per request (the Request, reading the answer).
 * With `agent:<bytes>`: agent requests of about that size (agent-requests.ts, Claude Code and Cline
 * in turn, each a cache miss) one at a time instead, 400 by default.
 */
const agentBytes = process.argv[3]?.startsWith("agent:") ? Number(process.argv[3].slice(6)) : undefined;
const requests = Number(process.argv[2] ?? (agentBytes ? 400 : 20_000));

if (process.env.REQUEST_ALLOCATION_CHILD !== "1") {
  const child = Bun.spawn([process.execPath, "run", import.meta.path, String(requests), ...process.argv.slice(3)], {
    env: { ...process.env, REQUEST_ALLOCATION_CHILD: "1", BUN_JSC_logGC: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  const marker = "\n--- measured ---\n";
  const measured = err.slice(err.indexOf(marker) + marker.length, err.lastIndexOf("\n--- end ---\n"));
  const gc = summarizeGcLog(measured);
  const completed = Number(/completed (\d+)/.exec(out)?.[1] ?? NaN);
  console.log(out.trim());
  console.log(`  heap allocation ${(gc.allocatedBytes / completed / 1024).toFixed(2)} KiB per request; ${((1000 * gc.eden) / completed).toFixed(2)} eden and ${((1000 * gc.full) / completed).toFixed(2)} full collections per 1000`);
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), "claude-proxy-allocation-"));
await Bun.spawn([process.execPath, "run", join(import.meta.dir, "init-data-dir.ts"), dataDir]).exited;
const upstream = await startChild("mock upstream", "serve-upstream.ts", {});
const proxy = await buildProxy(
  benchProxyConfig(`${upstream.origin}/v1`, dataDir, benchProxyEnv()),
  silentLogger,
);

const agentBody = agentBytes ? mixedAgentBodies(agentBytes).body : undefined;
const send = async () => {
  const text = agentBody ? agentBody() : benchBody();
  const response = await proxy.app.fetch(
    new Request("http://127.0.0.1/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }, body: text }),
  );
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`status ${response.status}`);
};
const run = async (count: number) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: agentBody ? 1 : 32 }, async () => {
      while (next++ < count) await send();
    }),
  );
};
await run(agentBody ? 60 : 3_000);
await proxy.logWriter.flush();
process.stderr.write("\n--- measured ---\n");
await run(requests);
await proxy.logWriter.flush();
process.stderr.write("\n--- end ---\n");
console.log(`request allocation — completed ${requests} ${agentBody ? `agent requests of ~${agentBytes!.toLocaleString("en")} bytes one at a time` : "small requests at 32 at once"}, in-process, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
await proxy.close();
await upstream.stop();
rmSync(dataDir, { recursive: true, force: true });
