import { restartWithRuntimeSettings } from "./runtime-settings";
import { endStartupGuard, guardStartup, startupFailed } from "./startup-guard";

/**
 * Entry point. A compiled executable started without the runtime's settings starts itself again
 * with them first (runtime-settings.ts), before loading anything else; then the proxy (main.ts).
 * Whatever fails before the proxy listens ends in one line and exit code 1 (startup-guard.ts).
 */
guardStartup();
restartWithRuntimeSettings();
await import("./main").catch(startupFailed);
endStartupGuard();
