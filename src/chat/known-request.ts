import { fitsInLength } from "./bounded-length";
import { hasNoControlCharacters } from "./control-characters";
import { type Fields, rebuilt } from "./loose-copy";
import { MAX_MODEL_NAME_LENGTH, chatRequestSchema } from "./request-schema";

/**
 * The whole chat request as the request schema (request-schema.ts) would output it, built without
 * zod, once its turns (and tools, if any) are built by hand (known-messages.ts, known-tools.ts):
 * for the request that carries only plain fields beside them (the model, sampling numbers,
 * `stream`, `stop`, `user`, …, and any field the schema does not name). Zod's object check alone
 * allocated ~6 KiB per small request (a result object and an issues array per key, through the
 * schema's ~20 optional keys), a third of the door's garbage.
 *
 * Every check here is the schema's or stricter: anything it is not sure of (a field the schema
 * reads more deeply, such as `tool_choice` as an object, `response_format`, `metadata` or the
 * proxy's extensions; a value out of range; a `__proto__` key) gives undefined, and the caller
 * runs the schema, so every refusal is still zod's. tests/chat/known-fields.test.ts compares the
 * two, key order included.
 */
export function knownRequest(body: Fields, messages: unknown[], tools: unknown[] | undefined): Fields | undefined {
  const changed: Fields = { messages };
  if (tools) changed.tools = tools;
  else if ("tools" in body && body.tools !== null) return undefined;
  for (const key in body) {
    const value = body[key];
    if (value === undefined) return undefined;
    switch (key) {
      case "model": {
        if (typeof value !== "string") return undefined;
        const model = value.trim();
        if (model.length === 0 || !fitsInLength(model, MAX_MODEL_NAME_LENGTH) || !hasNoControlCharacters(model)) return undefined;
        changed.model = model;
        break;
      }
      case "messages":
      case "tools":
        break;
      case "stream":
      case "parallel_tool_calls":
        if (value !== null && typeof value !== "boolean") return undefined;
        break;
      case "user":
        if (value !== null && typeof value !== "string") return undefined;
        break;
      case "max_tokens":
      case "max_completion_tokens":
        if (value !== null && !(Number.isSafeInteger(value) && (value as number) > 0)) return undefined;
        break;
      case "n":
        if (value !== null && value !== 1) return undefined;
        break;
      case "seed":
        if (value !== null && !Number.isSafeInteger(value)) return undefined;
        break;
      case "temperature":
        if (value !== null && !inRange(value, 0, 2)) return undefined;
        break;
      case "top_p":
        if (value !== null && !inRange(value, 0, 1)) return undefined;
        break;
      case "presence_penalty":
      case "frequency_penalty":
        if (value !== null && !inRange(value, -2, 2)) return undefined;
        break;
      case "stop":
        if (value === null || typeof value === "string") break;
        // z.array(z.string()).max(4): a new array of the same strings.
        if (!Array.isArray(value) || value.length > 4 || !value.every((item) => typeof item === "string")) return undefined;
        changed.stop = value.slice();
        break;
      case "tool_choice":
        if (value !== null && value !== "none" && value !== "auto" && value !== "required") return undefined;
        break;
      case "stream_options": {
        if (value === null) break;
        // z.looseObject({ include_usage: z.boolean().optional() }): a copy, its key first.
        if (typeof value !== "object" || Array.isArray(value)) return undefined;
        const options = value as Fields;
        if ("include_usage" in options && typeof options.include_usage !== "boolean") return undefined;
        const copy = rebuilt(options, STREAM_OPTIONS_KEYS, {});
        if (!copy) return undefined;
        changed.stream_options = copy;
        break;
      }
      default:
        // The schema's other keys (response_format, metadata, the extensions) are read more deeply: the schema checks them.
        if (REQUEST_KEY_SET.has(key)) return undefined;
    }
  }
  if (!("model" in changed)) return undefined;
  return rebuilt(body, REQUEST_KEYS, changed);
}

/** z.number().min(low).max(high): a finite number in the range. */
const inRange = (value: unknown, low: number, high: number) => typeof value === "number" && Number.isFinite(value) && value >= low && value <= high;

const STREAM_OPTIONS_KEYS = ["include_usage"];

/** The request schema's keys, in its order: zod's output lists them first, then the client's others. */
const REQUEST_KEYS = Object.keys(chatRequestSchema.shape);
const REQUEST_KEY_SET = new Set(REQUEST_KEYS);
