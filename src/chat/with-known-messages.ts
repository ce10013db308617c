import type { z } from "zod";
import { knownMessages } from "./known-messages";

/**
 * A request schema's safeParse that validates the common turns without zod (known-messages.ts):
 * when every turn is one it knows, the schema checks the rest of the request with one placeholder
 * turn in their place, and the known turns take its place in the output. The placeholder passes
 * every check of the turns (the chat door's lifting of custom tool calls included), and no check of
 * the schema reads the turns together with another field, so the output is the schema's own.
 * Any other request, and any request the schema refuses, is checked by the schema whole: its
 * errors are unchanged.
 */
export function withKnownMessages<T extends z.ZodType>(schema: T): (body: unknown) => z.ZodSafeParseResult<z.output<T>> {
  return (body) => {
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      const messages = knownMessages((body as { messages?: unknown }).messages);
      if (messages) {
        const rest = schema.safeParse({ ...body, messages: [{ role: "user", content: "" }] });
        if (rest.success) {
          (rest.data as { messages: unknown }).messages = messages;
          return rest;
        }
      }
    }
    return schema.safeParse(body);
  };
}
