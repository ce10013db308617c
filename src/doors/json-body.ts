import type { Env, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { validationError } from "../chat/format-validation-error";
import { ProxyError, invalidRequest } from "../errors";
import type { PipelineDeps } from "../pipeline/context";
import { type RejectingDoor, rejectRequest } from "../pipeline/reject-request";
import { bodyReadFailure } from "./body-limit";
import { YIELD_ABOVE_BYTES, nextTurn } from "./next-turn";
import { type KeptText, parseJsonBody } from "./parse-json-body";
import { CLIENT_JSON_MIN_BYTES, rememberClientElements } from "./remember-client-json";
import { keepTurns, turnTexts } from "./resent-turns";
import { parkTurnsKeeping } from "./turns-kept-after";

/**
 * The checks in front of a door's POST handler, each refusal logged and answered in the door's
 * shape: the body must be sent as JSON, uncompressed, must be UTF-8 JSON of bounded nesting
 * (parse-json-body.ts), and must pass the door's request schema (a failure names the field,
 * never zod's raw output).
 */
export function requireJsonContentType(door: RejectingDoor, deps: PipelineDeps, then?: MiddlewareHandler): MiddlewareHandler {
  return async (c, next) => {
    const encoding = c.req.header("content-encoding")?.trim().toLowerCase();
    if (encoding && encoding !== "identity") {
      // The body is read as it arrives: a compressed one would be refused as bad UTF-8 or passed on garbled.
      return rejectRequest(deps, {
        door,
        http: c.req.raw,
        error: new ProxyError(415, `Content-Encoding '${encoding.slice(0, 40)}' is not supported; send the request body uncompressed.`, {
          type: "invalid_request_error",
          code: "unsupported_content_encoding",
        }),
      });
    }
    if (!/json/i.test(c.req.header("content-type") ?? "")) {
      return rejectRequest(deps, {
        door,
        http: c.req.raw,
        error: invalidRequest("The request body must be JSON sent with 'Content-Type: application/json'.", null, "invalid_content_type"),
      });
    }
    // `then` (the cache's fast path) runs in this same handler, as the next one would: one step less in the route's chain.
    if (then) return then(c, next);
    await next();
  };
}

/** What the handler reads with `c.req.valid("json")`: the schema's output. */
type JsonInput<T extends z.ZodType> = { in: { json: z.input<T> }; out: { json: z.output<T> } };

/**
 * What a door keeps of a large body: nothing; `"client-json"`: its `messages` and `tools` elements
 * remember the client's text (remember-client-json.ts), for a door whose request goes upstream as
 * it came (the chat door), and its turns are kept for the next body that resends them
 * (resent-turns.ts), the schema's output walked for kept objects; `"turns-after"`: its turns only,
 * kept once the handler has built the door's output from the schema's and passed it to
 * keepTurnsAfter (turns-kept-after.ts), which walks that output instead (the Anthropic door).
 */
export type KeepJson = false | "client-json" | "turns-after";

/** `parse` is the schema's safeParse, or one with the same output and errors (with-known-fields.ts). */
export function validateJsonBody<T extends z.ZodType>(
  door: RejectingDoor,
  deps: PipelineDeps,
  schema: T,
  parse: (body: unknown) => z.ZodSafeParseResult<z.output<T>> = (body) => schema.safeParse(body),
  keepJson: KeepJson = false,
): MiddlewareHandler<Env, string, JsonInput<T>> {
  return async (c, next) => {
    let bytes: ArrayBuffer;
    try {
      // Read within MAX_BODY_BYTES by the app (body-limit.ts): from Hono's cache, or a body of a declared length.
      bytes = await c.req.arrayBuffer();
    } catch (error) {
      return rejectRequest(deps, { door, http: c.req.raw, error: bodyReadFailure(error) });
    }
    if (bytes.byteLength > YIELD_ABOVE_BYTES) await nextTurn();
    let body: unknown;
    const kept: KeptText | undefined = keepJson && bytes.byteLength >= CLIENT_JSON_MIN_BYTES ? { door: door.name } : undefined;
    const view = new Uint8Array(bytes);
    try {
      body = parseJsonBody(view, kept);
    } catch (error) {
      return rejectRequest(deps, { door, http: c.req.raw, error });
    }
    const result = parse(body);
    if (!result.success) {
      const fields = typeof body === "object" && body !== null ? (body as { model?: unknown; stream?: unknown }) : undefined;
      return rejectRequest(deps, { door, http: c.req.raw, requestedModel: fields?.model, stream: fields?.stream, error: validationError(result.error) });
    }
    if (kept) {
      const turns = turnTexts(kept);
      if (keepJson === "client-json") {
        rememberClientElements(kept, body, result.data, turns);
        keepTurns(door.name, view, kept, body, result.data, turns);
      } else {
        parkTurnsKeeping(c.req.raw, (output) => keepTurns(door.name, view, kept, body, output, turns));
      }
    }
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}
