import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core, for the dashboard's browser tests. The tests skip
 * (saying why) when /usr/bin/chromium is missing; CI installs it (.ci/run).
 */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const chromiumMissing = !existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = join(import.meta.dir, "..", "artifacts", "screenshots");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** What went wrong on a page: console errors, uncaught exceptions, failed or 4xx/5xx requests. */
export interface PageProblems {
  list: string[];
}

export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { list: [] };
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.list.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.list.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A navigation cancels htmx's requests still in flight (the request list polls every 3 s, so a
    // page kept open that long on a busy machine has one under way when the test moves on). One
    // that reached the server and failed shows as its status below; other network errors still count.
    if (request.failure()?.errorText === "net::ERR_ABORTED" && request.headers()["hx-request"] === "true") return;
    problems.list.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.list.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

export async function newContext(browser: Browser, options: { scheme: "light" | "dark"; width: number; javaScript?: boolean }): Promise<BrowserContext> {
  return browser.newContext({ colorScheme: options.scheme, viewport: { width: options.width, height: 900 }, javaScriptEnabled: options.javaScript ?? true });
}

/** Runs `use` on a fresh page in its own context, and closes the context however `use` ends. */
export async function withPage<T>(browser: Browser, options: { scheme: "light" | "dark"; width: number; javaScript?: boolean }, use: (page: Page) => Promise<T>): Promise<T> {
  const context = await newContext(browser, options);
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}

/** Reads a value until it satisfies `ok` (htmx swaps land a moment after the event that caused them). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
