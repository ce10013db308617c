import type { ChatMessage } from "../../chat/request-schema";
import { readToolReference } from "../../chat/tool-reference";
import { invalidRequest } from "../../errors";
import type { ContentBlock, TextBlock } from "./messages-schema";

/**
 * Anthropic content blocks that a user turn, a system turn or a tool result carries → chat
 * content parts, each keeping its `cache_control`:
 * - text → a text part;
 * - image: base64 → an image_url part with a data URL; url → an image_url part with the URL;
 * - document: a base64 PDF → a file part with a PDF data URL (`title` as its filename); a plain
 *   text document → a file part with a text/plain data URL (the Anthropic provider sends both back
 *   as documents, OpenAI-wire providers get the text as text);
 * - a file_id source (the Files API), a document by URL or of content blocks: a 400, since the
 *   proxy cannot hand those to every provider; the message says what to send instead.
 */
export type ContentPart = Exclude<ChatMessage["content"], string | null | undefined>[number];
type Block = Extract<ContentBlock, { type: "text" | "image" | "document" }>;

function mark(block: { cache_control?: unknown }): { cache_control?: unknown } {
  return block.cache_control ? { cache_control: block.cache_control } : {};
}

export function textPart(block: TextBlock): ContentPart {
  return { type: "text", text: block.text, ...mark(block) };
}

export function toContentPart(block: Block, param: string): ContentPart {
  switch (block.type) {
    case "text":
      return textPart(block);
    case "image": {
      const source = block.source;
      if (source.type === "base64") return { type: "image_url", image_url: { url: `data:${source.media_type};base64,${source.data}` }, ...mark(block) };
      if (source.type === "url") return { type: "image_url", image_url: { url: source.url }, ...mark(block) };
      throw invalidRequest("Images by file_id (the Files API) cannot be resolved by the proxy; send the image as base64 or by URL.", `${param}.source`);
    }
    case "document": {
      const source = block.source;
      const filename = block.title ? { filename: block.title } : {};
      if (source.type === "base64") {
        if (source.media_type !== "application/pdf") throw invalidRequest(`Base64 documents must be application/pdf; got ${source.media_type}.`, `${param}.source.media_type`);
        return { type: "file", file: { file_data: `data:application/pdf;base64,${source.data}`, ...filename }, ...mark(block) };
      }
      if (source.type === "text") {
        return { type: "file", file: { file_data: `data:text/plain;base64,${Buffer.from(source.data, "utf8").toString("base64")}`, ...filename }, ...mark(block) };
      }
      throw invalidRequest(
        `Documents with a ${source.type} source cannot be passed on by the proxy; send a PDF as base64 or the text as a plain-text document.`,
        `${param}.source`,
      );
    }
  }
}

/** A tool_reference block (tool search's result) → the chat `tool_reference` part, its mark kept; one without a tool name is a 400. */
export function toolReferencePart(block: Record<string, unknown>, param: string): ContentPart {
  const reference = readToolReference(block);
  if (!reference) throw invalidRequest(`${param}: tool_reference blocks need a \`tool_name\`.`, `${param}.tool_name`);
  return { type: "tool_reference", tool_name: reference.tool_name, ...mark(block) };
}
