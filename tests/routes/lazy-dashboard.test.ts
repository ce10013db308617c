import { expect, test } from "bun:test";
import { join } from "node:path";

/**
 * The dashboard (src/routes/lazy-dashboard.ts) is loaded by the first request for one of its
 * paths, not when the app is built, and answers every request as when it was mounted whole: its
 * pages and files, and the app's own 405 and 404 (with the dashboard's security headers) where it
 * has no route. In a process of its own, where no other test has loaded the dashboard yet.
 */
test("the dashboard loads on its first request and answers as when mounted whole", async () => {
  const child = Bun.spawn([process.execPath, "run", join(import.meta.dir, "lazy-dashboard", "mount-and-request.ts")], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  const result = JSON.parse(out) as { loadedAtMount: boolean; loadedAfterRequests: boolean; lazy: unknown[]; whole: unknown[] };
  expect(result.loadedAtMount).toBe(false);
  expect(result.loadedAfterRequests).toBe(true);
  expect(result.lazy).toEqual(result.whole);
  expect(result.lazy[0]).toMatchObject({ path: "/static/favicon.svg", status: 200 });
}, 30_000);
