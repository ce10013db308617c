import type { Config } from "../../config";
import type { ModelCatalog } from "../../catalog/model-catalog";
import type { ModelDirectory } from "../../routing/model-directory";
import type { ProviderFactoryContext } from "../types";
import { createOllamaProviders, ollamaBaseUrl } from "./ollama-provider";

/**
 * Ollama's models come and go while the proxy runs (`ollama pull`, `ollama rm`), and Ollama itself
 * may be started after the proxy. Every OLLAMA_REFRESH_MS the list is read again and the model
 * directory follows: new models are routed to and listed, removed ones no longer are, and an
 * Ollama found late becomes a provider. A read that fails keeps the last list (a server busy
 * loading a model answers late; a stopped one is handled by fallbacks and its circuit breaker).
 */
export function watchOllama(config: Config, catalog: ModelCatalog, directory: ModelDirectory, context: ProviderFactoryContext): { stop(): void } {
  const intervalMs = config.ollama.refreshMs;
  if (!config.ollama.enabled || intervalMs === 0) return { stop() {} };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const refresh = async () => {
    const known = directory.activeProviders().find((provider) => provider.id === "ollama");
    if (known?.refreshModels) {
      if (await known.refreshModels()) {
        await directory.reload();
        const models = (await known.listModels()).map((model) => model.id);
        context.logger.info("Ollama's models changed", { models });
      }
      return;
    }
    if (known) return;
    // Quiet while Ollama is not running: the factory logs "detected" once it is.
    const found = await createOllamaProviders(config, catalog, context);
    if (found.length > 0 && !stopped) await directory.reload(found);
  };
  const schedule = () => {
    timer = setTimeout(() => {
      refresh()
        .catch((error: unknown) => context.logger.debug("Ollama's models could not be read again", { baseUrl: ollamaBaseUrl(config), error: String(error) }))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    // A proxy with nothing else to do may exit; the watch does not hold it open.
    timer.unref?.();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
