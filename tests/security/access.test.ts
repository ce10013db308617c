import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import OpenAI, { AuthenticationError } from "openai";
import { createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import type { Door } from "../../src/doors/door";
import { createDoorApp } from "../../src/doors/door-app";
import { openaiDoor } from "../../src/doors/openai/openai-door";
import type { ProxyError } from "../../src/errors";
import { silentLogger } from "../../src/logger";
import { createAccessControl } from "../../src/security/access-control";
import { createAccessKey, presentedKey } from "../../src/security/access-key";
import { type Proxy, buildProxy } from "../../src/server";
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { sharedTestDatabase } from "../helpers/test-database";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * With PROXY_API_KEY set every route needs the key (Bearer or x-api-key) or the login cookie, and
 * a refusal comes in the error shape of the door whose path it is; whatever the key, a request for
 * a host that is not this machine (DNS rebinding) is refused.
 */
const KEY = "proxy-key-for-tests-0123456789";
const ALLOWED_NAME = "proxy.example.test";

/** A second door with its own error shape, to see refusals answered in it. */
function stubErrorResponse(error: ProxyError, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ type: "error", error: { type: error.type, message: error.message } }), { status: error.status, headers });
}
const stubDoor: Door = {
  name: "stub",
  endpoints: [{ method: "GET", path: "/v1/stub/ping" }],
  prefixes: ["/v1/stub"],
  errorResponse: stubErrorResponse,
  routes(deps) {
    const routes = createDoorApp(stubDoor, deps);
    routes.get("/v1/stub/ping", (c) => c.json({ pong: true }));
    return routes;
  },
};

let upstream: MockOpenAIUpstream;
let proxy: Proxy;
let app: ReturnType<typeof createApp>;
let server: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  const config = loadConfig({
    OLLAMA_ENABLED: "false",
    CLAUDE_CLI_ENABLED: "false",
    OPENAI_API_KEY: "sk-upstream-0123456789",
    OPENAI_BASE_URL: upstream.url,
    PROXY_API_KEY: KEY,
    ALLOWED_HOSTS: ALLOWED_NAME,
  });
  proxy = await buildProxy(config, silentLogger, { database: await sharedTestDatabase() });
  const access = createAccessControl({ host: config.host, allowedHosts: config.allowedHosts, proxyApiKey: config.proxyApiKey });
  app = createApp({ pipeline: proxy.pipeline, maxBodyBytes: config.maxBodyBytes, database: "test", doors: [openaiDoor, stubDoor], access });
  // Where the dashboard will be: a page behind the same middleware.
  app.get("/stub-dashboard", (c) => c.html("<p>dashboard</p>"));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
});

afterAll(async () => {
  await server.stop(true);
  await proxy.close();
  await upstream.close();
});

const origin = () => `http://127.0.0.1:${server.port}`;
const withKey = { authorization: `Bearer ${KEY}` };

async function rowFor(response: Response) {
  await proxy.logWriter.flush();
  const { findRequestLog } = await import("../../src/db/queries");
  return findRequestLog(proxy.database.db, response.headers.get("x-task-id")!);
}

describe("PROXY_API_KEY", () => {
  // Every row has its three items: a shorter one would make bun pass `done` as the third argument.
  const routes: Array<[string, string, RequestInit]> = [
    ["POST", "/v1/chat/completions", { body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }), headers: { "content-type": "application/json" } }],
    ["GET", "/v1/models", {}],
    ["POST", "/v1/feedback", { body: "{}", headers: { "content-type": "application/json" } }],
    ["GET", "/api/routing", {}],
    ["GET", "/health", {}],
    ["GET", "/v1/embeddings", {}],
    ["GET", "/favicon.ico", {}],
  ];

  test.each(routes)("%s %s without the key: 401 in OpenAI's shape, no row", async (method, path, init) => {
    const response = await fetch(origin() + path, { method, ...init });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(response.headers.get("x-task-id")).toBeTruthy();
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
    expect(body.error.message).toContain("PROXY_API_KEY");
    expect(await rowFor(response)).toBeUndefined();
  });

  test.each([
    ["a wrong Bearer key", { authorization: "Bearer not-the-key-0123456789" }],
    ["a wrong x-api-key", { "x-api-key": "not-the-key-0123456789" }],
    ["the key with one character more", { authorization: `Bearer ${KEY}x` }],
    ["the key as Basic credentials", { authorization: `Basic ${btoa(`user:${KEY}`)}` }],
    ["an empty Bearer", { authorization: "Bearer " }],
  ])("%s is refused", async (_name, headers) => {
    expect((await fetch(`${origin()}/v1/models`, { headers })).status).toBe(401);
  });

  test("the key as Bearer or as x-api-key opens every route", async () => {
    expect((await fetch(`${origin()}/v1/models`, { headers: withKey })).status).toBe(200);
    expect((await fetch(`${origin()}/health`, { headers: { "x-api-key": KEY } })).status).toBe(200);
    expect((await fetch(`${origin()}/api/routing`, { headers: withKey })).status).toBe(200);
  });

  test("the official client with the key gets its answer; with another key an AuthenticationError", async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: `${origin()}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    // The proxy's key is the client's business only: the upstream gets the provider's key.
    expect(upstream.requests.at(-1)!.headers.authorization).toBe("Bearer sk-upstream-0123456789");
    const stranger = new OpenAI({ apiKey: "someone-else-0123456789", baseURL: `${origin()}/v1`, maxRetries: 0 });
    const refused = await stranger.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthenticationError);
  });

  test("a refusal on another door's ground comes in that door's shape", async () => {
    const response = await fetch(`${origin()}/v1/stub/ping`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect((await fetch(`${origin()}/v1/stub/ping`, { headers: withKey })).status).toBe(200);
  });

  test("keys are compared whole, and read from either header", () => {
    const key = createAccessKey(KEY);
    expect(key.matches(KEY)).toBe(true);
    expect(key.matches(KEY.slice(0, -1))).toBe(false);
    expect(key.matches(undefined)).toBe(false);
    expect(presentedKey(new Headers({ authorization: `bearer ${KEY}` }))).toBe(KEY);
    expect(presentedKey(new Headers({ "x-api-key": KEY }))).toBe(KEY);
    expect(presentedKey(new Headers())).toBeUndefined();
  });
});

describe("the browser's login, on a page behind the middleware", () => {
  const form = (fields: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(fields), redirect: "manual" as const });

  test("a page without a session sends the browser to the login form, which comes back to it", async () => {
    const response = await fetch(`${origin()}/stub-dashboard?range=7d`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?next=%2Fstub-dashboard%3Frange%3D7d");
    const page = await (await fetch(`${origin()}/login?next=%2Fstub-dashboard%3Frange%3D7d`)).text();
    expect(page).toContain('<input type="hidden" name="next" value="/stub-dashboard?range=7d">');
  });

  test("the right key sets an HttpOnly, SameSite=Strict cookie that opens pages and the API", async () => {
    const login = await fetch(`${origin()}/login`, form({ key: KEY, next: "/stub-dashboard" }));
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/stub-dashboard");
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    const session = cookie.split(";")[0]!;
    expect(await (await fetch(`${origin()}/stub-dashboard`, { headers: { cookie: session } })).text()).toBe("<p>dashboard</p>");
    expect((await fetch(`${origin()}/api/routing`, { headers: { cookie: session } })).status).toBe(200);

    const [name, value] = session.split("=") as [string, string];
    const tampered = `${name}=${decodeURIComponent(value).replace(/^\d/, (digit) => String((Number(digit) + 1) % 10))}`;
    expect((await fetch(`${origin()}/api/routing`, { headers: { cookie: tampered } })).status).toBe(401);

    const logout = await fetch(`${origin()}/logout`, { method: "POST", headers: { cookie: session }, redirect: "manual" });
    expect(logout.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  test("a wrong key gets the form again with a 401 and no cookie", async () => {
    const response = await fetch(`${origin()}/login`, form({ key: "wrong-key-0123456789", next: "/stub-dashboard" }));
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("That is not the proxy's key.");
  });

  test("after login the browser only goes to paths of this proxy", async () => {
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      expect((await fetch(`${origin()}/login`, form({ key: KEY, next }))).headers.get("location")).toBe("/");
    }
  });

  test("the login form escapes what it echoes", async () => {
    const page = await (await fetch(`${origin()}/login?next=${encodeURIComponent('/x"><script>alert(1)</script>')}`)).text();
    expect(page).not.toContain("<script>");
  });

  test("a script (no text/html) gets the 401, not a redirect", async () => {
    expect((await fetch(`${origin()}/stub-dashboard`, { redirect: "manual" })).status).toBe(401);
  });
});

/** Sends a raw HTTP/1.1 request with the given Host header and returns the status line's code. */
function statusForHost(port: number, host: string, headers = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`GET /v1/models HTTP/1.1\r\nHost: ${host}\r\n${headers}Connection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (chunk) => (data += chunk));
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("Host (DNS rebinding)", () => {
  let open: TestProxy;
  beforeAll(async () => {
    open = await startTestProxy({ OPENAI_API_KEY: "sk-upstream-0123456789", OPENAI_BASE_URL: upstream.url });
  });
  afterAll(() => open.close());

  test("without PROXY_API_KEY, a page whose name resolves to 127.0.0.1 is refused; this machine's names are served", async () => {
    const port = Number(new URL(open.origin).port);
    expect(await statusForHost(port, `attacker.example:${port}`)).toBe(403);
    expect(await statusForHost(port, "attacker.example")).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`, `[::1]:${port}`, "localhost"]) {
      expect({ host, status: await statusForHost(port, host) }).toEqual({ host, status: 200 });
    }
  });

  test("the refusal is a 403 in the door's shape, and leaves no row", async () => {
    const response = await app.request("http://attacker.example/v1/models", { headers: withKey });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { type: "permission_error", code: "host_not_allowed" } });
    expect(await rowFor(response)).toBeUndefined();
    const stub = await app.request("http://attacker.example/v1/stub/ping", { headers: withKey });
    expect(await stub.json()).toMatchObject({ type: "error", error: { type: "permission_error" } });
  });

  test("the same path for different hosts, one after the other, is judged by each request's own host", async () => {
    const port = Number(new URL(open.origin).port);
    for (const host of [`127.0.0.1:${port}`, `attacker.example:${port}`, `attacker.example:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `127.0.0.2:${port}`, `localhost:${port}`]) {
      const expected = host.startsWith("attacker") || host.startsWith("127.0.0.2") ? 403 : 200;
      expect({ host, status: await statusForHost(port, host) }).toEqual({ host, status: expected });
    }
  });

  test("a name in ALLOWED_HOSTS is served, with the key", async () => {
    expect((await app.request(`http://${ALLOWED_NAME}:8443/v1/models`, { headers: withKey })).status).toBe(200);
    expect(await statusForHost(server.port!, ALLOWED_NAME, `authorization: Bearer ${KEY}\r\n`)).toBe(200);
    expect(await statusForHost(server.port!, `sub.${ALLOWED_NAME}`, `authorization: Bearer ${KEY}\r\n`)).toBe(403);
  });
});
