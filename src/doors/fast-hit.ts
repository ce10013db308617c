import type { Context, MiddlewareHandler } from "hono";
import type { CachedAnswer } from "../cache/cache-types";
import type { PipelineContext, PipelineDeps, PreparedRequest, Stage } from "../pipeline/context";
import { createContext } from "../pipeline/create-context";
import { runPipeline } from "../pipeline/run-pipeline";
import { cacheControl, replay } from "../pipeline/stages/cache";
import { releaseBody } from "./release-body";

/**
 * The cache's fast path at one door's POST route. `answer` sits in front of the body's validation:
 * a body whose exact bytes the slow path answered from the cache before (cache/hit-memo.ts), with
 * the answer still in this process's memory, unexpired and for the same request digest, is answered
 * again from that entry, from what the door made of the bytes then: no JSON parse, depth or
 * surrogate scan, schema, translation or cache key. Everything after is the slow hit's own code: a
 * fresh context (task id, clock, user agent, session), the pipeline's runner with the cache stage's
 * replay as its one stage, so the answer, headers, log row and metrics are a slow hit's.
 *
 * Everything else goes the slow way, which behaves as without the fast path: no cache
 * (CACHE_ENABLED=false), `Cache-Control: no-cache|no-store` or `x-cache: bypass`, a body not
 * remembered or differing by a byte, a differing `variant` (the headers the door's translation
 * reads), an entry expired, evicted or replaced. `serve` is the route's end: it runs the pipeline
 * and, when the cache stage answered, remembers the bytes for next time; only a hit is remembered,
 * so the kept request was read by no stage past the cache. The feedback intercept, which runs
 * before the cache stage, is not run again: it decides on the request alone, and a request it
 * answers never reaches the cache stage, so it is never remembered.
 */
export interface CacheFastPath {
  answer: MiddlewareHandler;
  serve(c: Context, prepared: PreparedRequest): Promise<Response>;
}

export function cacheFastPath(door: { name: string }, deps: PipelineDeps, variantOf: (headers: Headers) => string = () => ""): CacheFastPath {
  const answer: MiddlewareHandler = async (c, next) => {
    const cache = deps.cache;
    if (!cache || cache.hitMemo.size === 0 || cacheControl(c.req.raw.headers) !== "use") return next();
    const body = await bodyBytes(c);
    const remembered = body && cache.hitMemo.find(door.name, variantOf(c.req.raw.headers), body);
    if (!body || !remembered) return next();
    const hit = cache.service.memoryHit(remembered.key, remembered.digest);
    if (!hit) {
      cache.hitMemo.forget(door.name, body);
      return next();
    }
    // The slot holds its own bytes; this request's are read no more.
    releaseBody(body.buffer);
    const context = contextFor(remembered.prepared, c.req.raw, deps);
    return runPipeline(context, remembered.prepared.encoder(context), deps, [replayStage(hit)]);
  };

  const serve = async (c: Context, prepared: PreparedRequest): Promise<Response> => {
    const context = contextFor(prepared, c.req.raw, deps);
    const response = await runPipeline(context, prepared.encoder(context), deps);
    const entry = context.cache?.entry;
    const body = await bodyBytes(c);
    if (entry && body && deps.cache) deps.cache.hitMemo.remember(door.name, variantOf(c.req.raw.headers), body, { prepared, ...entry });
    // Everything was made of it by now (a text kept for the upstream is a string of its own).
    else releaseBody(body?.buffer);
    return response;
  };

  return { answer, serve };
}

function contextFor(prepared: PreparedRequest, http: Request, deps: PipelineDeps): PipelineContext {
  return createContext({ door: prepared.door, request: prepared.request, requestedModel: prepared.requestedModel, tierHint: prepared.tierHint, http, redact: deps.redactor.redact });
}

/** The cache stage's answer to a hit, with the answer already found. */
function replayStage(hit: CachedAnswer): Stage {
  return async (context) => replay(context, hit);
}

/** The body as read for the route (Hono keeps it for the validation after); undefined when it could not be read. */
async function bodyBytes(c: Context): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await c.req.arrayBuffer());
  } catch {
    // The validation reads it again and refuses the request in the door's shape.
    return undefined;
  }
}
