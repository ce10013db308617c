/** @jsxImportSource hono/jsx */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { ProvidersPage } from "../../../views/pages/providers-page";
import { ProviderTestResult, type ProviderTestResultProps } from "../../../views/partials/provider-test-result";
import type { DashboardContext } from "./deps";
import { loadProviderViews } from "./provider-states";
import { renderHtml } from "./render";
import { sameOriginOnly } from "./same-origin";

/**
 * GET /dashboard/providers, and POST /dashboard/providers/test: a tiny chat request to one model,
 * sent through this app's own /v1/chat/completions (so it is routed, logged and billed like any
 * other), answered as a fragment for htmx or as the whole page without JavaScript.
 */
const TEST_USER_AGENT = "claude-proxy-dashboard/provider-test";
const testForm = z.object({ provider: z.string().min(1).max(100), model: z.string().min(1).max(200) });

export function addProviderRoutes(app: Hono, deps: DashboardContext): void {
  const page = async (c: Context, testResult?: ProviderTestResultProps) => {
    const providers = await loadProviderViews(deps);
    return renderHtml(c, {
      page: () => <ProvidersPage assets={deps.assets} providers={providers} testResult={testResult} />,
      partial: testResult ? () => <ProviderTestResult {...testResult} /> : undefined,
    });
  };

  app.get("/dashboard/providers", (c) => page(c));

  app.post("/dashboard/providers/test", sameOriginOnly, async (c) => {
    const form = testForm.safeParse(await c.req.parseBody());
    const known = form.success && deps.pipeline.directory.find(form.data.provider, form.data.model);
    if (!form.success || !known) return c.text("Choose one of the listed models of an active provider.", 400);
    return page(c, await sendTestRequest(deps, new URL(c.req.url).origin, form.data.provider, form.data.model));
  });
}

async function sendTestRequest(deps: DashboardContext, origin: string, provider: string, model: string): Promise<ProviderTestResultProps> {
  const started = performance.now();
  const response = await deps.send(
    new Request(`${origin}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": TEST_USER_AGENT },
      body: JSON.stringify({ model: `${provider}:${model}`, messages: [{ role: "user", content: "Reply with the single word: ready" }], max_tokens: 32 }),
    }),
  );
  const body = (await response.json().catch(() => ({}))) as { choices?: Array<{ message?: { content?: string | null } }>; error?: { message?: string } };
  const servedProvider = response.headers.get("x-provider");
  return {
    provider,
    model,
    status: response.status,
    servedBy: servedProvider && servedProvider !== "none" ? `${servedProvider}:${response.headers.get("x-model")}` : null,
    latencyMs: performance.now() - started,
    text: (response.ok ? body.choices?.[0]?.message?.content : body.error?.message) ?? "",
    taskId: response.headers.get("x-task-id"),
  };
}
