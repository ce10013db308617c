import type { z } from "zod";
import { knownMessages } from "./known-messages";
import { knownTools } from "./known-tools";

/**
 * A chat request schema's safeParse that builds the request's bulk without zod: the common turns
 * (known-messages.ts) and plain function tools (known-tools.ts). When every turn is one it knows,
 * the schema checks the rest of the request with one placeholder turn in their place (and no
 * tools in place of the known tools), and the hand-built lists take their places in the output.
 * The placeholders pass every check of those fields (the chat door's lifting of OpenAI's tool
 * kinds included: the tools are left to the schema when `tool_choice` is an object, which that
 * lifting reads together with them), and no other check of the schema reads those fields, so the
 * output is the schema's own. Any other request, and any request the schema refuses, is checked
 * by the schema whole: its errors are unchanged.
 */
export function withKnownFields<T extends z.ZodType>(schema: T): (body: unknown) => z.ZodSafeParseResult<z.output<T>> {
  return (body) => {
    if (typeof body === "object" && body !== null && !Array.isArray(body)) {
      const fields = body as { messages?: unknown; tools?: unknown; tool_choice?: unknown };
      const messages = knownMessages(fields.messages);
      if (messages) {
        const choiceIsObject = typeof fields.tool_choice === "object" && fields.tool_choice !== null;
        const tools = choiceIsObject ? undefined : knownTools(fields.tools);
        const rest = schema.safeParse({ ...body, messages: [{ role: "user", content: "" }], ...(tools ? { tools: [] } : {}) });
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
