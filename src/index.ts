import { restartWithRuntimeSettings } from "./runtime-settings";

/**
 * Entry point. A compiled executable started without the runtime's settings starts itself again
 * with them first (runtime-settings.ts), before loading anything else; then the proxy (main.ts).
 */
restartWithRuntimeSettings();
await import("./main");
