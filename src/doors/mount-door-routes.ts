import type { ErrorHandler, Hono } from "hono";

/**
 * Puts a door's routes on the app, as `app.route("/", routes)` does, each handler's errors answered
 * by the door's error handler. Hono wraps every handler of a sub-app that has its own error handler
 * in a fresh `compose` per call (closures, an extra async dispatch): a chat request passes three
 * such handlers (content type, body, pipeline), ~30% of the app's own routing time in a tight loop
 * (bench/PROFILE.md). This wrapper does what Hono's does, without the composition: an Error thrown
 * or rejected by the handler is put on `c.error` and answered by `onError`; anything else is
 * rethrown; a returned answer becomes `c.res` when nothing answered yet, an error's answer always.
 */
export function mountDoorRoutes(app: Hono, routes: Hono, onError: ErrorHandler): void {
  for (const route of routes.routes) {
    const handler = route.handler;
    app.on(route.method, route.path, async (c, next) => {
      let answer: Response | undefined;
      let failed = false;
      try {
        answer = (await handler(c, next)) as Response | undefined;
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        c.error = error;
        answer = await onError(error, c);
        failed = true;
      }
      if (answer && (!c.finalized || failed)) c.res = answer;
      return c.res;
    });
  }
}
