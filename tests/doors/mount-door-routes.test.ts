import { expect, test } from "bun:test";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { mountDoorRoutes } from "../../src/doors/mount-door-routes";

/**
 * A door's routes mounted by mountDoorRoutes answer exactly as the same routes mounted with Hono's
 * own `app.route("/", routes)`: answers, errors thrown or rejected at any handler of a chain (the
 * door's error handler answers them, with `c.error` set), values thrown that are not Errors (the
 * app's error handling gets them), path parameters, middleware around the door and unknown paths.
 */
function doorRoutes(): Hono {
  const routes = new Hono();
  routes.onError((error, c) => c.json({ door: true, message: error.message, seen: c.error === error, param: c.req.param("name") ?? null }, 418));
  const mark = async (c: { header(name: string, value: string): void }, next: () => Promise<void>) => {
    await next();
    c.header("x-after", "1");
  };
  routes.post("/ok", mark, (c) => c.text("fine"));
  routes.post("/throws", mark, () => {
    throw new Error("boom");
  });
  routes.post("/rejects", mark, async () => {
    await Bun.sleep(1);
    throw new Error("later");
  });
  routes.post("/middleware-throws", () => {
    throw new Error("in the middleware");
  }, (c) => c.text("never"));
  routes.post("/http-exception", () => {
    throw new HTTPException(400, { message: "bad json" });
  });
  routes.post("/not-an-error", () => {
    throw "a string";
  });
  routes.get("/named/:name{.+}", (c) => {
    if (c.req.param("name") === "bad") throw new Error("no such name");
    return c.json({ name: c.req.param("name") });
  });
  routes.post("/nothing", async (_c, next) => {
    await next();
  });
  return routes;
}

function app(mount: "hono" | "door"): Hono {
  const outer = new Hono();
  outer.use("*", async (c, next) => {
    await next();
    c.res.headers.set("x-outer", "yes");
  });
  const routes = doorRoutes();
  if (mount === "hono") outer.route("/", routes);
  else mountDoorRoutes(outer, routes, (error, c) => c.json({ door: true, message: error.message, seen: c.error === error, param: c.req.param("name") ?? null }, 418));
  outer.notFound((c) => c.text("not found", 404));
  outer.onError((error, c) => c.text(`app: ${String(error)}`, 500));
  return outer;
}

async function answer(target: Hono, method: string, path: string) {
  try {
    const response = await target.request(`http://127.0.0.1${path}`, { method });
    return { status: response.status, body: await response.text(), headers: [...response.headers].sort() };
  } catch (error) {
    return { thrown: String(error) };
  }
}

const cases: Array<[string, string]> = [
  ["POST", "/ok"],
  ["POST", "/throws"],
  ["POST", "/rejects"],
  ["POST", "/middleware-throws"],
  ["POST", "/http-exception"],
  ["POST", "/not-an-error"],
  ["GET", "/named/a/b"],
  ["GET", "/named/bad"],
  ["POST", "/nothing"],
  ["GET", "/ok"],
  ["POST", "/elsewhere"],
];

test.each(cases)("%s %s answers as with Hono's own mounting", async (method, path) => {
  const expected = await answer(app("hono"), method, path);
  expect(await answer(app("door"), method, path)).toEqual(expected);
});

test("the door's error handler answers errors, with c.error set", async () => {
  expect(await answer(app("door"), "POST", "/throws")).toMatchObject({ status: 418, body: JSON.stringify({ door: true, message: "boom", seen: true, param: null }) });
  expect(await answer(app("door"), "GET", "/named/bad")).toMatchObject({ status: 418, body: JSON.stringify({ door: true, message: "no such name", seen: true, param: "bad" }) });
});
