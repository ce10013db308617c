import { helpText, parseCommandLine, version } from "./cli-arguments";
import { ConfigError, loadConfig, secretValues } from "./config";
import { acquireDataDirLock, takeoverMessage } from "./db/data-dir-lock";
import { createLogger } from "./logger";
import { guardRunningProxy } from "./runtime-guard";
import { CatalogFileError } from "./catalog/catalog-file";
import { portProblem } from "./port-probe";
import { serveOptions } from "./serve-options";
import { buildProxy } from "./server";
import { exposureWarning } from "./security/exposure";
import { createRedactor } from "./security/redactor";
import { handleShutdownSignals } from "./shutdown";
import { failureText, redactStartupFailures, startupFailed } from "./startup-guard";

/** The proxy itself (src/index.ts loads it): config → database → providers → app → Bun.serve, and a clean shutdown. */
const commandLine = parseCommandLine(process.argv.slice(2), process.env);
if (commandLine.action === "help") {
  console.log(helpText);
  process.exit(0);
}
if (commandLine.action === "version") {
  console.log(version);
  process.exit(0);
}
if (commandLine.action === "fail") {
  console.error(`claude-proxy: ${commandLine.message}`);
  process.exit(2);
}
let config;
try {
  config = loadConfig(commandLine.environment);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`claude-proxy could not start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// One process per embedded data directory: a second one would corrupt it (db/data-dir-lock.ts).
let lockTakeover: string | undefined;
if (!config.databaseUrl && !config.dataDir.startsWith("memory://")) {
  try {
    const lock = acquireDataDirLock(config.dataDir);
    lockTakeover = takeoverMessage(lock);
    process.on("exit", () => lock.release());
  } catch (error) {
    console.error(`claude-proxy could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}

const cannotListen = (reason: string) => `claude-proxy could not listen on ${config.host}:${config.port}: ${reason} (set PORT or HOST)`;
const taken = portProblem(config.host, config.port);
if (taken) {
  console.error(cannotListen(taken));
  process.exit(1);
}

// One redactor, built from every secret the configuration holds, for the log and the pipeline.
const redactor = createRedactor(secretValues(config));
redactStartupFailures(redactor.redact);
const logger = createLogger(config.logLevel, undefined, redactor.redact);
if (lockTakeover) logger.warn(lockTakeover);
const proxy = await buildProxy(config, logger, { redactor, finishAfterAnswer: true }).catch((error: unknown) => {
  // A bad catalog file or an unreachable DATABASE_URL stops start-up with a plain message.
  if (error instanceof CatalogFileError) {
    console.error(redactor.redact(error.message));
    process.exit(1);
  }
  return startupFailed(error);
});

let server: ReturnType<typeof Bun.serve>;
try {
  server = Bun.serve({
    hostname: config.host,
    port: config.port,
    fetch: proxy.app.fetch,
    ...serveOptions(),
  });
} catch (error) {
  // Taken since the probe (another process was quicker).
  console.error(redactor.redact(cannotListen(failureText(error))));
  await proxy.close();
  process.exit(1);
}

// Logged as an error so that only LOG_LEVEL=silent hides it: this is how credits get spent by strangers.
const exposure = exposureWarning(config);
if (exposure) logger.error(exposure);

const providerList = proxy.providers.map((provider) => provider.id).join(", ");
if (!providerList) {
  logger.warn("no provider is active: requests will fail until one is configured (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, CUSTOM_PROVIDERS, the claude CLI, or a running Ollama; see .env.example)");
}
logger.info("claude-proxy listening", {
  url: `http://${server.hostname}:${server.port}/v1`,
  database: proxy.database.description,
  providers: providerList || "none",
});

handleShutdownSignals({ server, proxy, logger, graceMs: config.shutdownGraceMs });
guardRunningProxy(logger);
