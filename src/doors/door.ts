import type { Hono } from "hono";
import type { ProxyError } from "../errors";
import type { PipelineDeps } from "../pipeline/context";

/** A path a door serves and the HTTP method it takes there. */
export interface DoorEndpoint {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** A literal path, such as "/v1/chat/completions". */
  path: string;
}

/**
 * A front door: one client wire format (OpenAI chat, Anthropic Messages, OpenAI Responses), as a
 * folder under doors/ and one entry in doors/registry.ts. Its routes translate requests onto the
 * internal shape, build the context (pipeline/create-context.ts), and run the pipeline with the
 * door's own ResponseEncoder. app.ts mounts it and learns from it which paths exist and whose error
 * shape answers where, so a new door changes nothing outside its folder but the registry.
 */
export interface Door {
  /** Its name in the request log's `door` column. */
  readonly name: string;
  /** What it serves: a wrong method on one of these paths is a 405 with an Allow header, and the
   *  404 message lists these paths. */
  readonly endpoints: readonly DoorEndpoint[];
  /**
   * The paths that are its ground: an unknown route, a wrong method or a body over the limit at a
   * path starting with one of these is answered in this door's error shape and logged as its
   * request. The longest matching prefix among the mounted doors wins ("/v1/messages" over "/v1/").
   */
  readonly prefixes: readonly string[];
  /**
   * Whether a request's headers say it comes from this door's kind of client (Anthropic's SDKs send
   * `anthropic-version`). On a path no single door serves (an unknown route, or GET /v1/models,
   * which two doors serve) the door that claims the caller answers its errors in its own shape.
   */
  claims?(headers: Headers): boolean;
  /** Its error shape, for every error it answers. */
  errorResponse(error: ProxyError, headers?: Headers): Response;
  /**
   * Its routes as a sub-app with full paths, mounted at the root. Build it with createDoorApp
   * (door-app.ts), which answers malformed JSON and anything thrown in the door's shape. A path
   * two doors serve (GET /v1/models) goes to the doors in registry order: a handler that is not
   * for this caller returns `next()`, and the next door's handler answers.
   */
  routes(deps: PipelineDeps): Hono;
}
