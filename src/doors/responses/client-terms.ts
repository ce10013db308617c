import type { ProxyError } from "../../errors";
import { clientMessage } from "./client-message";
import { type MessageOrigin, clientParam } from "./client-params";

/**
 * The error as the Responses door answers it: a refusal the proxy raised (no upstream cause) with
 * its param and message in the client's terms; an upstream's error without the upstream's param,
 * its message (the upstream's own words) as it came.
 */
export function inClientTerms(error: ProxyError, origins: readonly MessageOrigin[]): ProxyError {
  const own = error.cause === undefined;
  const param = own ? clientParam(error.param, origins) : null;
  const message = own ? clientMessage(error.message, origins) : error.message;
  return param === error.param && message === error.message ? error : error.reworded(message, param);
}
