import type { Context, MiddlewareHandler } from "hono";
import { ProxyError } from "../errors";
import { type AccessKey, createAccessKey, presentedKey } from "./access-key";
import { type HostPolicy, createHostPolicy } from "./host-policy";
import { type SessionCookie, createSessionCookie } from "./session-cookie";

/**
 * Who may talk to the proxy: requests must name an allowed host (host-policy.ts), and when
 * PROXY_API_KEY is set they must carry it (Bearer or x-api-key), or, for the browser, the session
 * cookie the login form sets. Built once from the configuration; app.ts puts both checks in front
 * of every route, and the dashboard inherits them.
 */
export interface AccessControl {
  hosts: HostPolicy;
  /** Absent when PROXY_API_KEY is not set: then only the Host rule applies. */
  key?: AccessKey;
  session?: SessionCookie;
}

export interface AccessOptions {
  host: string;
  allowedHosts: readonly string[];
  proxyApiKey?: string;
}

export function createAccessControl(options: AccessOptions): AccessControl {
  const hosts = createHostPolicy({ host: options.host, allowedHosts: options.allowedHosts });
  if (options.proxyApiKey === undefined) return { hosts };
  return { hosts, key: createAccessKey(options.proxyApiKey), session: createSessionCookie(options.proxyApiKey) };
}

/** How a refusal is answered: in the error shape of the door whose path it is (`path` when `c.req.path` cannot be trusted). */
export type Refuse = (c: Context, error: ProxyError, path?: string) => Response;

/** Paths that answer without the key: the login form, or nobody could ever log in. */
export const LOGIN_PATH = "/login";

const longest = 100;
const shown = (text: string) => (text.length > longest ? `${text.slice(0, longest)}…` : text);

export function requireAllowedHost(access: AccessControl, refuse: Refuse): MiddlewareHandler {
  // The URL of the last request and its host name: a client sends the same URL request after
  // request, and comparing it costs less than parsing it.
  let lastUrl: string | undefined;
  let lastHostName = "";
  return async (c, next) => {
    const url = c.req.url;
    if (url !== lastUrl) {
      // A missing Host (HTTP/1.0) or a malformed one leaves Bun a URL that does not parse
      // ("/health", "http://127.0.0.1:abc/health"), and Hono's c.req.path garbled.
      const parsed = URL.parse(url);
      if (parsed === null) return noRetry(refuse(c, badHost(c.req.header("host")), pathOf(url)));
      lastHostName = parsed.hostname;
      lastUrl = url;
    }
    const hostName = lastHostName;
    if (access.hosts.allows(hostName)) return next();
    const response = refuse(
      c,
      new ProxyError(403, `This proxy does not answer requests for host '${shown(hostName)}': it answers to ${access.hosts.describe()}. If you reach it under that name, add it to ALLOWED_HOSTS.`, {
        type: "permission_error",
        code: "host_not_allowed",
      }),
    );
    return noRetry(response);
  };
}

function badHost(host: string | undefined): ProxyError {
  const what = host === undefined ? "has no Host header" : `has a Host header that is not a host name and port ('${shown(host)}')`;
  return new ProxyError(400, `The request ${what}: send the address you reach the proxy at, as HTTP clients do (Host: 127.0.0.1:3000).`, {
    type: "invalid_request_error",
    code: "invalid_host",
  });
}

/** The path of a request URL that does not parse: origin form ("/v1/messages?x") or after a broken authority. */
function pathOf(url: string): string {
  const start = url.startsWith("/") ? 0 : url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const end = url.search(/[?#]/);
  return url.slice(start, end > start ? end : undefined);
}

/**
 * Lets a request through when it carries PROXY_API_KEY or a valid session cookie. Otherwise a
 * browser asking for a page is sent to the login form; anything else gets a 401 in its door's shape.
 */
export function requireAccess(access: AccessControl, refuse: Refuse, isDoorPath: (path: string) => boolean): MiddlewareHandler {
  const { key, session } = access;
  return async (c, next) => {
    if (!key || c.req.path === LOGIN_PATH) return next();
    if (key.matches(presentedKey(c.req.raw.headers)) || (await session?.isValid(c))) return next();
    const wantsPage = (c.req.method === "GET" || c.req.method === "HEAD") && /text\/html/.test(c.req.header("accept") ?? "") && !isDoorPath(c.req.path);
    if (wantsPage) return c.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`, 303);
    const response = refuse(
      c,
      new ProxyError(401, "This proxy requires its API key (PROXY_API_KEY): send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'.", {
        type: "authentication_error",
        code: "invalid_api_key",
      }),
    );
    response.headers.set("www-authenticate", 'Bearer realm="claude-proxy"');
    return noRetry(response);
  };
}

/**
 * A refusal a retry cannot mend. The SDKs honour `x-should-retry: false` (as Anthropic's API sends
 * it); without it Claude Code retries a 401 up to 10 times with back-off, minutes of silence.
 */
function noRetry(response: Response): Response {
  response.headers.set("x-should-retry", "false");
  return response;
}
