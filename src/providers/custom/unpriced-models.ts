import type { CustomProviderConfig } from "../../config-values";
import { isLoopbackHost } from "../../security/host-names";

/** 10/8, 172.16/12 and 192.168/16: a server on the user's own network, most likely their own hardware. */
const PRIVATE_IPV4 = /^(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3}$/;

/**
 * The models of a CUSTOM_PROVIDERS entry that name no price while its endpoint is elsewhere (a
 * hosted service such as OpenRouter bills them). The catalog counts an unpriced model as $0, so the
 * router would take it as the cheapest of its tier and no budget would count it: worth a warning at
 * start-up. A server on this machine or a private address (LM Studio, vLLM at home) is taken to be
 * free, as is a price written out as 0.
 */
export function unpricedRemoteModels(provider: CustomProviderConfig): string[] {
  const host = new URL(provider.baseUrl).hostname;
  if (isLoopbackHost(host) || PRIVATE_IPV4.test(host)) return [];
  return provider.models.filter((model) => model.inputPricePerMillion === undefined || model.outputPricePerMillion === undefined).map((model) => model.id);
}
