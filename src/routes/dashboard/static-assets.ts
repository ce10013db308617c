import { readFileSync } from "node:fs";
import { Hono } from "hono";
import htmxPath from "htmx.org/dist/htmx.min.js" with { type: "file" };
import type { AssetUrls } from "../../../views/layout";
import stylesPath from "../../../static/dashboard.css" with { type: "file" };
import faviconPath from "../../../static/favicon.svg" with { type: "file" };

/**
 * The dashboard's static files: htmx from the htmx.org package (never a CDN), the stylesheet and
 * the icon. Imported as files, so `bun build --compile` embeds them; each URL carries a hash of
 * the content, so browsers may cache it for good.
 */
interface Asset {
  name: string;
  path: string;
  type: string;
}

const assets: Asset[] = [
  { name: "htmx.min.js", path: htmxPath, type: "text/javascript; charset=utf-8" },
  { name: "dashboard.css", path: stylesPath, type: "text/css; charset=utf-8" },
  { name: "favicon.svg", path: faviconPath, type: "image/svg+xml" },
];

export interface StaticAssets {
  urls: AssetUrls;
  routes: Hono;
}

/** Reads the files once (about 40 KB), when the app is built. */
export function loadStaticAssets(): StaticAssets {
  const loaded = assets.map((asset) => {
    const body = new Uint8Array(readFileSync(asset.path));
    return { ...asset, body, version: Bun.hash(body).toString(36) };
  });
  const routes = new Hono();
  for (const asset of loaded) {
    routes.get(`/${asset.name}`, (c) => {
      const cache = c.req.query("v") === asset.version ? "public, max-age=31536000, immutable" : "no-cache";
      return c.body(asset.body, 200, { "content-type": asset.type, "cache-control": cache });
    });
  }
  const url = (name: string) => {
    const asset = loaded.find((entry) => entry.name === name)!;
    return `/static/${asset.name}?v=${asset.version}`;
  };
  return { urls: { htmx: url("htmx.min.js"), styles: url("dashboard.css"), favicon: url("favicon.svg") }, routes };
}
