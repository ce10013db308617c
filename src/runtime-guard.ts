import type { Logger } from "./logger";
import { failureText } from "./startup-guard";

/**
 * Once the proxy listens, a promise that rejects with nothing awaiting it, or a throw in a timer or
 * a callback, is logged (through the logger's redactor) and the proxy keeps serving. Bun's default
 * ends the process, and with it every open stream of every coding agent pointed at the proxy, for a
 * failure that belongs to one request or one background task (a log flush, a cache sync). Request
 * handlers' own errors never come here: the doors answer them in the client's wire format.
 */
export function guardRunningProxy(logger: Logger): void {
  process.on("unhandledRejection", (reason: unknown) => {
    logger.error("a task failed with nothing to handle it; the proxy keeps serving", { error: failureText(reason) });
  });
  process.on("uncaughtException", (error: unknown) => {
    logger.error("an unexpected error was thrown outside any request; the proxy keeps serving", { error: failureText(error) });
  });
}
