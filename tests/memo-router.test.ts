import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Hono } from "hono";
import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";
import { loadConfig } from "../src/config";
import { silentLogger } from "../src/logger";
import { MemoRouter } from "../src/memo-router";
import { type Proxy, buildProxy } from "../src/server";
import { sharedTestDatabase } from "./helpers/test-database";

/**
 * The app's router remembers each method and path's match (memo-router.ts). On the app's own route
 * table (every door, the dashboard, the API, the 405 and 404 routes) it must answer every request
 * exactly as Hono's default router does: the same handlers in the same order with the same
 * parameters, the first time and every time after, also once the memo has started again.
 */
type Handler = unknown;

let proxy: Proxy;
let app: Hono;

beforeAll(async () => {
  const config = loadConfig({ OPENAI_API_KEY: "sk-test", OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", LOG_LEVEL: "silent" });
  proxy = await buildProxy(config, silentLogger, { database: await sharedTestDatabase() });
  app = proxy.app;
}, 60_000);

afterAll(async () => {
  await proxy?.close();
});

/** Both routers with the app's routes, added in the app's order. */
function routers(): { memo: MemoRouter<Handler>; reference: Router<Handler> } {
  const memo = new MemoRouter<Handler>();
  const reference = new SmartRouter<Handler>({ routers: [new RegExpRouter<Handler>(), new TrieRouter<Handler>()] });
  for (const route of app.routes) {
    memo.add(route.method, route.path, route.handler);
    reference.add(route.method, route.path, route.handler);
  }
  return { memo, reference };
}

/** A match as handlers and resolved parameters, whichever form the router returned. */
function resolved(result: Result<Handler>): Array<[Handler, Record<string, string | undefined>]> {
  const [entries, stash] = result as [Array<[Handler, Record<string, string | number>]>, unknown[] | undefined];
  return entries.map(([handler, params]) => [
    handler,
    Object.fromEntries(Object.entries(params).map(([key, value]) => [key, stash ? (stash[value as number] as string | undefined) : (value as string)])),
  ]);
}

const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

function samplePaths(): string[] {
  // A path longer than the memo keeps (256 characters) is matched without being remembered.
  const paths = new Set<string>(["/", "/v1", "/v1/", "/v1/chat/completions/", "/v1/models/gpt-4o-mini", "/v1/models/a/b:c", "/favicon.ico", "/v1/embeddings", "/dashboard/requests/abc", `/v1/models/${"m".repeat(300)}`, `/v1/chat/completions${"/x".repeat(200)}`]);
  for (const route of app.routes) {
    paths.add(route.path.replace(/:(\w+)(\{[^}]*\})?/g, "value-$1").replace(/\*/g, "anything/else"));
  }
  return [...paths];
}

describe("MemoRouter", () => {
  test("matches every path of the app as Hono's default router, first and later times", () => {
    const { memo, reference } = routers();
    const paths = samplePaths();
    expect(paths.length).toBeGreaterThan(20);
    for (let round = 0; round < 3; round++) {
      for (const method of methods) {
        for (const path of paths) expect(resolved(memo.match(method, path))).toEqual(resolved(reference.match(method, path)));
      }
    }
  });

  test("the same answers after the memo fills and starts again", () => {
    const { memo, reference } = routers();
    const paths = [...samplePaths(), ...Array.from({ length: 1500 }, (_, index) => `/v1/unknown/${index}`)];
    for (let round = 0; round < 2; round++) {
      for (const path of paths) expect(resolved(memo.match("POST", path))).toEqual(resolved(reference.match("POST", path)));
    }
  });

  test("the app serves its routes through it", () => {
    expect(app.router).toBeInstanceOf(MemoRouter);
  });
});
