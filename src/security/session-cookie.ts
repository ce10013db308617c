import { createHash } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

/**
 * The browser's proof of having typed PROXY_API_KEY into the login form: a cookie holding its
 * expiry time, signed (HMAC-SHA-256) with a secret derived from the key. Nothing is kept on the
 * server, a restart keeps sessions, and changing the key ends them all. HttpOnly and
 * SameSite=Strict: page scripts cannot read it and other sites' requests do not carry it.
 */
export interface SessionCookie {
  issue(c: Context): Promise<void>;
  isValid(c: Context): Promise<boolean>;
  clear(c: Context): void;
}

export const SESSION_COOKIE = "claude_proxy_session";
export const SESSION_DAYS = 7;

export function createSessionCookie(key: string, now: () => number = Date.now): SessionCookie {
  const secret = createHash("sha256").update("claude-proxy dashboard session\u0000").update(key).digest("hex");
  const maxAgeSeconds = SESSION_DAYS * 86_400;
  return {
    async issue(c) {
      await setSignedCookie(c, SESSION_COOKIE, String(now() + maxAgeSeconds * 1000), secret, {
        path: "/",
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https",
        maxAge: maxAgeSeconds,
      });
    },
    async isValid(c) {
      const value = await getSignedCookie(c, secret, SESSION_COOKIE);
      return typeof value === "string" && Number(value) > now();
    },
    clear(c) {
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
    },
  };
}
