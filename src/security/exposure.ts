import type { Config } from "../config";
import { isLoopbackHost } from "./host-names";

/**
 * The start-up warning for a proxy that serves other machines without a key (HOST beyond loopback
 * with ALLOW_UNAUTHENTICATED_REMOTE=true; without that flag config.ts refuses to start), or
 * undefined when there is nothing to warn about.
 */
export function exposureWarning(config: Pick<Config, "host" | "proxyApiKey">): string | undefined {
  if (config.proxyApiKey !== undefined || isLoopbackHost(config.host)) return undefined;
  return (
    `UNAUTHENTICATED: HOST=${config.host} serves every machine that can reach this port, with no key ` +
    "(ALLOW_UNAUTHENTICATED_REMOTE=true). Anyone there can spend your provider credits and read /api/routing. " +
    "Set PROXY_API_KEY to require a key."
  );
}
