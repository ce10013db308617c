import { z } from "zod";

/**
 * The opaque reasoning state of an assistant turn: what an upstream needs back, verbatim, to
 * continue from its own reasoning (Anthropic's signed thinking and redacted_thinking blocks, the
 * OpenAI Responses API's `encrypted_content`). It rides on assistant messages (request side) and
 * on completions and chunk deltas (response side) as `reasoning_details`, in OpenRouter's shape,
 * so OpenAI-compatible clients that already keep OpenRouter's field echo it back unchanged:
 *
 * - `format` tags the upstream that can read an entry; a provider replays only entries of its own
 *   format and ignores the rest (another model's state means nothing to it).
 * - `index` is the entry's position in the turn's list. In a stream, deltas with the same index
 *   extend one entry (text and summary are appended, signature and data replaced); the proxy's
 *   own transformers send each entry once, complete, when its block ends.
 * - The readable text also goes out as `reasoning_content`, as before; `reasoning_details` is the
 *   part to keep. An entry is never read by shape guessing: its `type` says what it holds.
 */
export const ANTHROPIC_REASONING_FORMAT = "anthropic-claude-v1";
export const OPENAI_RESPONSES_REASONING_FORMAT = "openai-responses-v1";

interface ReasoningDetailBase {
  /** The upstream format that can read the entry back (OpenRouter's values), or "unknown". */
  format: string;
  index?: number;
  /** An upstream id for the entry (a Responses reasoning item id), where it has one. */
  id?: string | null;
}

/** Readable reasoning with the signature that vouches for it (an Anthropic thinking block). */
export interface ReasoningTextDetail extends ReasoningDetailBase {
  type: "reasoning.text";
  text?: string | null;
  signature?: string | null;
}

/** Reasoning the client cannot read (Anthropic redacted_thinking `data`, Responses `encrypted_content`). */
export interface ReasoningEncryptedDetail extends ReasoningDetailBase {
  type: "reasoning.encrypted";
  data: string;
}

/** A summary of reasoning (Responses reasoning summaries). */
export interface ReasoningSummaryDetail extends ReasoningDetailBase {
  type: "reasoning.summary";
  summary: string;
}

export type ReasoningDetail = ReasoningTextDetail | ReasoningEncryptedDetail | ReasoningSummaryDetail;

const base = {
  format: z.string().min(1).default("unknown"),
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
};

const reasoningDetailSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("reasoning.text"), text: z.string().nullish(), signature: z.string().nullish(), ...base }),
  z.object({ type: z.literal("reasoning.encrypted"), data: z.string(), ...base }),
  z.object({ type: z.literal("reasoning.summary"), summary: z.string(), ...base }),
]) satisfies z.ZodType<ReasoningDetail>;

/**
 * `reasoning_details` as a client sends it back: entries of a kind the proxy does not know (or of
 * a broken shape) are left out rather than failing the request, as the history stays usable
 * without them; an upstream that needed them then sees a turn without reasoning.
 */
export const reasoningDetailsSchema = z.array(z.unknown()).transform((entries): ReasoningDetail[] =>
  entries.flatMap((entry) => {
    const parsed = reasoningDetailSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  }),
);

/**
 * Folds stream deltas of `reasoning_details` into whole entries, in `entries` (a list the caller
 * owns; the deltas are copied, never changed): a delta with the index of an entry of the same type
 * extends it, anything else is a new entry. Entries stay in the order they first appeared.
 */
export function appendReasoningDetails(entries: ReasoningDetail[], deltas: readonly ReasoningDetail[]): void {
  for (const delta of deltas) {
    const target = delta.index === undefined ? undefined : entries.find((entry) => entry.index === delta.index && entry.type === delta.type);
    if (target) extend(target, delta);
    else entries.push({ ...delta });
  }
}

function extend(target: ReasoningDetail, delta: ReasoningDetail): void {
  if (target.type === "reasoning.text" && delta.type === "reasoning.text") {
    if (delta.text) target.text = (target.text ?? "") + delta.text;
    if (delta.signature) target.signature = delta.signature;
  } else if (target.type === "reasoning.summary" && delta.type === "reasoning.summary") {
    target.summary += delta.summary;
  } else if (target.type === "reasoning.encrypted" && delta.type === "reasoning.encrypted") {
    if (delta.data) target.data = delta.data;
  }
  if (delta.id) target.id = delta.id;
}
