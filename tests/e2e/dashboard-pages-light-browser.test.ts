import { chromiumMissing } from "../helpers/browser";
import { describeEveryPageIn } from "../helpers/dashboard-pages-check";

/**
 * Every dashboard page in a real headless Chromium in light mode, at 1280 and 390 px, over a proxy whose
 * log holds requests sent with the official OpenAI client: no console error, failed request or
 * sideways scrolling (screenshots in tests/artifacts/screenshots/). The other scheme:
 * dashboard-pages-dark-browser.test.ts; what the pages do: dashboard-browser.test.ts.
 */
if (chromiumMissing) console.warn("dashboard browser tests skipped: /usr/bin/chromium is missing (apt-get install -y chromium)");

describeEveryPageIn("light");
