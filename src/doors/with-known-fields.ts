import type { z } from "zod";

/**
 * How a door's request schema outputs its bulk, built without zod: the turns (`messages`) and the
 * tools, each a function giving the list as the schema would output it, or undefined when it
 * cannot say (the schema then checks the whole request).
 */
export interface KnownFields {
  messages(messages: unknown): unknown[] | undefined;
  tools(tools: unknown, body: Record<string, unknown>): unknown[] | undefined;
  /** A list of turns that passes every check of the schema's `messages`. */
  placeholderTurns: readonly unknown[];
  /**
   * The whole request as the schema outputs it, from the built turns and tools, when every other
   * field is one it can check by hand (chat/known-request.ts); undefined sends it to the schema.
   */
  request?(body: Record<string, unknown>, messages: unknown[], tools: unknown[] | undefined): Record<string, unknown> | undefined;
}

/**
 * A request schema's safeParse that builds the request's bulk without zod (the chat door's:
 * chat/known-messages.ts and chat/known-tools.ts; the Anthropic door's: anthropic/known-*.ts).
 * When the turns are known and the door can build the rest of the request too (`request`), zod
 * is not run at all. Else, when the turns are known, the schema checks the rest of the request with placeholder turns in
 * their place (and no tools in place of known tools), and the built lists take their places in the
 * output. The placeholders pass every check of those fields, and no other check of the schema
 * reads those fields (a door whose schema reads the tools together with another field says so in
 * its `tools`), so the output is the schema's own. Any other request, and any request the schema
 * refuses, is checked by the schema whole: its errors are unchanged.
 */
export function withKnownFields<T extends z.ZodType>(schema: T, known: KnownFields): (body: unknown) => z.ZodSafeParseResult<z.output<T>> {
  return (body) => {
    if (typeof body === "object" && body !== null && !Array.isArray(body) && (known.request || worthBuilding(body as Record<string, unknown>))) {
      const fields = body as Record<string, unknown>;
      const messages = known.messages(fields.messages);
      if (messages) {
        const tools = known.tools(fields.tools, fields);
        const whole = known.request?.(fields, messages, tools);
        // The shape of zod's safeParse success.
        if (whole) return { success: true, data: whole as z.output<T> };
        if (!worthBuilding(fields)) return schema.safeParse(body);
        const rest = schema.safeParse({ ...body, messages: [...known.placeholderTurns], ...(tools ? { tools: [] } : {}) });
        if (rest.success) {
          const output = rest.data as { messages: unknown; tools?: unknown };
          output.messages = messages;
          if (tools) output.tools = tools;
          return rest;
        }
      }
    }
    return schema.safeParse(body);
  };
}

/**
 * Below a few turns and without tools, checking the rest with placeholders costs about what building
 * the turns saves (measured: a 1 KB question of one turn took 1.9 µs against zod's 1.6 µs).
 */
const MIN_TURNS = 4;

function worthBuilding(fields: Record<string, unknown>): boolean {
  return Array.isArray(fields.tools) || (Array.isArray(fields.messages) && fields.messages.length >= MIN_TURNS);
}

/**
 * A list as its item schema would output it: each item built by `known` where it can, else checked
 * by `itemSchema` itself (what zod gives for that item in the list). Undefined when the list is not
 * an array or an item fails its schema: the caller then runs the whole request's schema, so the
 * refusal is zod's.
 */
export function eachKnownOrChecked(items: unknown, known: (item: unknown) => unknown, itemSchema: z.ZodType): unknown[] | undefined {
  if (!Array.isArray(items)) return undefined;
  const result: unknown[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const built = known(items[index]);
    if (built) {
      result[index] = built;
      continue;
    }
    const checked = itemSchema.safeParse(items[index]);
    if (!checked.success) return undefined;
    result[index] = checked.data;
  }
  return result;
}
