import { expect, test } from "bun:test";
import { captureOutput } from "./command-process";

const encoder = new TextEncoder();
const logLine = `${JSON.stringify({ time: "2026-12-01T00:00:00.000Z", level: "info", message: "request", door: "openai", status: 200, latencyMs: 3 })}\n`;

/** The listening line, then `chunks` chunks of ~8 KB of log lines, each its own read. */
async function* proxyOutput(chunks: number): AsyncGenerator<Uint8Array> {
  yield encoder.encode('{"level":"info","message":"claude-proxy listening","url":"http://127.0.0.1:4321/v1"}\n');
  const chunk = encoder.encode(logLine.repeat(Math.ceil(8192 / logLine.length)));
  for (let index = 0; index < chunks; index++) yield chunk;
}

test("the listening line names the origin, and a long log after it is captured at the cost of appending it", async () => {
  const started = process.cpuUsage();
  const output = captureOutput(proxyOutput(1500));
  expect(await output.origin).toBe("http://127.0.0.1:4321");
  while (output.text().length < 1500 * 8192) await Bun.sleep(1);
  const cpuMs = process.cpuUsage(started).user / 1000;
  // Matching the whole ~12 MB text again per chunk (as before) took tens of seconds here; appending takes milliseconds.
  expect(cpuMs).toBeLessThan(1500);
  expect(output.text().endsWith(logLine)).toBe(true);
});
