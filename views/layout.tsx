/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { serverTimeZone } from "./components/format";

/**
 * The page shell: head, navigation, main. Every page renders inside it; partials never do.
 * Each .tsx file names its JSX runtime in a pragma: Bun takes tsconfig.json from the working
 * directory, and the proxy may be started from any directory.
 */
export type Section = "overview" | "requests" | "providers" | "routing" | "budgets" | "settings";

const sections: Array<{ key: Section; label: string; href: string }> = [
  { key: "overview", label: "Overview", href: "/dashboard" },
  { key: "requests", label: "Requests", href: "/dashboard/requests" },
  { key: "providers", label: "Providers", href: "/dashboard/providers" },
  { key: "routing", label: "Routing", href: "/dashboard/routing" },
  { key: "budgets", label: "Budgets", href: "/dashboard/budgets" },
  { key: "settings", label: "Settings", href: "/dashboard/settings" },
];

/** URLs of the static files (each with a content hash). */
export interface AssetUrls {
  htmx: string;
  styles: string;
  favicon: string;
}

export interface LayoutProps {
  title: string;
  section: Section;
  assets: AssetUrls;
  children: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          {/* The indicator styles live in dashboard.css: htmx's injected sheet would need a CSP exception. */}
          <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
          <title>{`${props.title} · claude-proxy`}</title>
          <link rel="icon" href={props.assets.favicon} type="image/svg+xml" />
          <link rel="stylesheet" href={props.assets.styles} />
          <script src={props.assets.htmx} defer />
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <a class="brand" href="/dashboard">
              claude-proxy
            </a>
            <nav aria-label="Dashboard sections">
              <ul>
                {sections.map((section) => (
                  <li>
                    <a href={section.href} aria-current={section.key === props.section ? "page" : undefined}>
                      {section.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </header>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
          <footer class="site-footer">
            <p class="muted">Times are in {serverTimeZone()}, the proxy's time zone.</p>
          </footer>
        </body>
    </html>
  );
}
