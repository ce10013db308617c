import type { Context } from "hono";
import type { Child } from "hono/jsx";

/**
 * An htmx request that swaps part of a page gets just that part; everything else (a normal
 * navigation, htmx's history restore, which swaps the whole body) gets the whole page.
 */
export function wantsPartial(request: Request): boolean {
  const headers = request.headers;
  return headers.get("hx-request") === "true" && headers.get("hx-request-type") !== "full" && headers.get("hx-history-restore-request") !== "true";
}

export async function renderHtml(c: Context, view: { page: () => Child; partial?: () => Child }, status: 200 | 400 | 403 | 404 | 500 = 200): Promise<Response> {
  const partial = view.partial && wantsPartial(c.req.raw);
  const body = partial ? String(await view.partial!()) : `<!doctype html>${String(await view.page())}`;
  return c.html(body, status, { "cache-control": "no-store", vary: "HX-Request, HX-Request-Type, HX-History-Restore-Request" });
}
