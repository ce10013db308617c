import { Hono } from "hono";

/**
 * Run by lazy-dashboard.test.ts in a process of its own (a fresh module registry): mounts the
 * dashboard lazily and whole on two apps with the same fallbacks, and prints as JSON whether
 * src/routes/dashboard.tsx was loaded before and after the first request, and each app's answers.
 */
let loaded = false;
Bun.plugin({
  name: "notice the dashboard's module",
  setup(build) {
    build.onLoad({ filter: /src\/routes\/dashboard\.tsx$/ }, async (args) => {
      loaded = true;
      return { contents: await Bun.file(args.path).text(), loader: "tsx" };
    });
  },
});

const { mountLazyDashboard } = await import("../../../src/routes/lazy-dashboard");
// What building the dashboard's routes reads; these requests reach no page that needs a database.
const deps = { pipeline: { budgets: {}, logger: { error() {} } }, config: {} } as unknown as Parameters<typeof mountLazyDashboard>[1];
const withFallbacks = (app: Hono) => {
  app.post("/", (c) => c.text("the app's own POST /", 405));
  app.notFound((c) => c.text("the app's own 404", 404));
  return app;
};
const lazy = new Hono();
mountLazyDashboard(lazy, deps);
withFallbacks(lazy);
const loadedAtMount = loaded;

const requests: Array<[string, string]> = [
  ["GET", "/static/favicon.svg"],
  ["GET", "/static/missing.js"],
  ["POST", "/"],
  ["DELETE", "/dashboard"],
  ["GET", "/dashboard/no-such-page/"],
  ["GET", "/elsewhere"],
];
const answers = async (app: Hono) => {
  const seen = [];
  for (const [method, path] of requests) {
    const response = await app.request(path, { method });
    seen.push({ method, path, status: response.status, body: (await response.text()).slice(0, 200), policy: response.headers.get("content-security-policy") });
  }
  return seen;
};
const lazyAnswers = await answers(lazy);
const loadedAfterRequests = loaded;
const { dashboardRoutes } = await import("../../../src/routes/dashboard");
const whole = new Hono();
whole.route("/", dashboardRoutes({ ...deps, send: async (request) => whole.fetch(request) }));
withFallbacks(whole);
console.log(JSON.stringify({ loadedAtMount, loadedAfterRequests, lazy: lazyAnswers, whole: await answers(whole) }));
