import type { ProviderModel } from "../types";

/**
 * What a pulled Ollama model can do, from Ollama's `POST /api/show` (`capabilities`: "completion",
 * "tools", "vision", "thinking", "embedding", …). One request per model, all at once, under one
 * deadline: start-up never waits past it. A model whose answer is missing, late, failed or
 * without `capabilities` (an Ollama from before it reported them) keeps no reported capabilities,
 * so it is assumed to take tools and images as before; the 400 it then answers with still makes
 * the router fall back.
 */
export type ReportedCapabilities = NonNullable<ProviderModel["capabilities"]>;

interface OllamaShow {
  capabilities?: unknown;
}

/** Reads the capabilities of each model (undefined where Ollama did not say), aborting all at `signal`. */
export async function readOllamaCapabilities(baseUrl: string, ids: string[], signal: AbortSignal, fetcher: typeof fetch): Promise<(string[] | undefined)[]> {
  return Promise.all(
    ids.map(async (id) => {
      try {
        const response = await fetcher(`${baseUrl}/api/show`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: id }),
          signal,
        });
        if (!response.ok) return undefined;
        const show = (await response.json()) as OllamaShow;
        return Array.isArray(show.capabilities) ? show.capabilities.filter((value): value is string => typeof value === "string") : undefined;
      } catch {
        return undefined;
      }
    }),
  );
}

/** The router's view of a reported list; undefined when there is none. */
export function toReportedCapabilities(list: string[] | undefined): ReportedCapabilities | undefined {
  if (list === undefined) return undefined;
  return { tools: list.includes("tools"), vision: list.includes("vision"), reasoning: list.includes("thinking") };
}

/** A model that reports what it can do and chat is not among it (an embedding model) is no chat candidate. */
export function servesChat(list: string[] | undefined): boolean {
  return list === undefined || list.includes("completion");
}
