import type { ProviderModel } from "../types";
import { readOllamaCapabilities, servesChat, toReportedCapabilities } from "./ollama-model-capabilities";

interface OllamaTags {
  models?: Array<{ name?: string; model?: string; details?: { parameter_size?: string } }>;
}

/**
 * The chat models an Ollama server has pulled (`/api/tags`), each with what it can do where
 * `/api/show` says, under one deadline for the whole read. Rejects when the server does not
 * answer as Ollama does.
 */
export async function readOllamaModels(baseUrl: string, timeoutMs: number, fetcher: typeof fetch): Promise<ProviderModel[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetcher(`${baseUrl}/api/tags`, { signal });
  if (!response.ok) throw new Error(`Ollama answered ${response.status}`);
  const tags = (await response.json()) as OllamaTags;
  const listed = (tags.models ?? []).flatMap((model) => {
    const id = model.name ?? model.model;
    // parameter_size looks like "7.6B" or "494.03M".
    const size = /^([\d.]+)\s*([BM])/i.exec(model.details?.parameter_size ?? "");
    const parameterBillions = size ? Number(size[1]) / (size[2]!.toUpperCase() === "M" ? 1000 : 1) : undefined;
    return id ? [{ id, parameterBillions }] : [];
  });
  const reported = await readOllamaCapabilities(baseUrl, listed.map((model) => model.id), signal, fetcher);
  return listed.flatMap((model, index) => {
    const list = reported[index];
    if (!servesChat(list)) return [];
    const capabilities = toReportedCapabilities(list);
    return [capabilities ? { ...model, capabilities } : model];
  });
}

/** The same list? Compared by what the router reads of each model. */
export function sameModels(a: ProviderModel[], b: ProviderModel[]): boolean {
  const key = (models: ProviderModel[]) => JSON.stringify(models.map((model) => [model.id, model.parameterBillions, model.capabilities]).sort());
  return key(a) === key(b);
}
