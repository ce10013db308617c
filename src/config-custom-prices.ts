import { isLoopbackHost } from "./security/host-names";

/** 10/8, 172.16/12 and 192.168/16: a server on the user's own network, most likely their own hardware. */
const PRIVATE_IPV4 = /^(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168)\.\d{1,3}\.\d{1,3}$/;

/**
 * Whether a CUSTOM_PROVIDERS model is `unpriced`: it names no price while its endpoint is elsewhere
 * (a hosted service such as OpenRouter bills it). Such a model counts as $0, so the router would
 * take it as the cheapest of its tier and no budget would count it: the catalog marks it as it does
 * a model it does not list, and the provider warns at start-up. A server on this machine or a
 * private address (LM Studio, vLLM at home) is taken to be free, as is a price written out as 0.
 */
export function isUnpricedCustomModel(baseUrl: string, model: { inputPricePerMillion?: number; outputPricePerMillion?: number }): boolean {
  if (model.inputPricePerMillion !== undefined && model.outputPricePerMillion !== undefined) return false;
  const host = new URL(baseUrl).hostname;
  return !(isLoopbackHost(host) || PRIVATE_IPV4.test(host));
}
