import { compressRequest } from "../../compression/compress-request";
import type { Stage } from "../context";

/**
 * Lossless prompt compression (src/compression/README.md) of the request as the cache saw it: the
 * compressed request is what is classified, routed and sent, while the cache keeps keying on the
 * request as received. COMPRESSION=off|safe sets the default and the `x-compression: off|safe`
 * header overrides it per request. The log row gets the estimated prompt tokens before and after.
 * A step that fails is skipped (compressRequest never throws; anything else is caught here) and
 * counted, never fatal.
 */
export const compress: Stage = async (context, deps) => {
  const mode = requestedMode(context.headers.get("x-compression")) ?? deps.compression.mode;
  if (mode === "off") return undefined;
  const counters = deps.compression.counters;
  try {
    const { request, stats } = compressRequest(context.request, { mode });
    counters.requests++;
    counters.tokensBefore += stats.estimatedTokensBefore;
    counters.tokensAfter += stats.estimatedTokensAfter;
    counters.skippedSteps += stats.skipped.length;
    if (request !== context.request) counters.changed++;
    context.request = request;
    context.compression = { tokensBefore: stats.estimatedTokensBefore, tokensAfter: stats.estimatedTokensAfter };
  } catch {
    counters.failures++;
  }
  return undefined;
};

function requestedMode(header: string | null): "off" | "safe" | undefined {
  const value = header?.trim().toLowerCase();
  return value === "off" || value === "safe" ? value : undefined;
}
