import { expect, test } from "bun:test";
import { join } from "node:path";
import { bufferedLineWriter } from "../src/log-line-buffer";

test("lines of one turn are written together, in order, when the turn ends", async () => {
  const writes: string[] = [];
  const write = bufferedLineWriter((text) => writes.push(text));
  write("a");
  write("b");
  expect(writes).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual(["a\nb"]);
  write("c");
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual(["a\nb", "c"]);
});

test("lines still pending when the process exits are written", async () => {
  // A child logs through the default logger and exits in the same turn, as a fatal start-up error does.
  const script = `import { createLogger } from ${JSON.stringify(join(import.meta.dir, "../src/logger.ts"))};
const logger = createLogger("info");
logger.info("first");
logger.error("last words", { code: 1 });
process.exit(3);`;
  const child = Bun.spawn([process.execPath, "-e", script], { stderr: "pipe", stdout: "ignore" });
  const [stderr, exitCode] = [await new Response(child.stderr).text(), await child.exited];
  expect(exitCode).toBe(3);
  const lines = stderr.trim().split("\n").map((line) => JSON.parse(line) as { message: string });
  expect(lines.map((line) => line.message)).toEqual(["first", "last words"]);
});
