import type { ContentBlockParam, DocumentBlockParam, ImageBlockParam, TextBlockParam, ToolReferenceBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { readAnthropicBlock } from "../../chat/anthropic-blocks";
import { withCacheControl } from "../../chat/cache-control";
import { parseDataUrl } from "../../chat/data-url";
import type { ChatMessage } from "../../chat/request-schema";
import { readToolReference } from "../../chat/tool-reference";
import { invalidRequest } from "../../errors";

/**
 * OpenAI content parts → Anthropic content blocks, for user turns, tool results and system text.
 * - text → text block (empty text is left out: the API rejects empty text blocks);
 * - image_url: a data URL → base64 image source, an http(s) URL → url image source;
 * - file with a PDF data URL → a base64 document block; with a text/plain data URL → a plain-text
 *   document block (the Anthropic door's text documents come this way);
 * - an `anthropic_block` part (a server tool's block, cited text: chat/anthropic-blocks.ts) → the
 *   block as the client sent it, in its place;
 * - in a tool result, a tool_reference part (tool search's result, chat/tool-reference.ts) → a tool_reference block;
 * - a `cache_control` on a part (the Anthropic door's marks, or an OpenRouter-style client's) is kept;
 * - anything else (audio, file ids) is a 400 naming the part: dropping user content would change
 *   the question silently.
 */
export type UserBlock = TextBlockParam | ImageBlockParam | DocumentBlockParam;
type ContentPart = Exclude<ChatMessage["content"], string | null | undefined>[number];

const imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
type ImageType = (typeof imageTypes)[number];

const cacheControl = (part: ContentPart) => withCacheControl(part.cache_control);

function imageBlock(part: ContentPart, param: string): ImageBlockParam {
  const imageUrl = part.image_url as { url?: unknown } | string | undefined;
  const url = typeof imageUrl === "string" ? imageUrl : imageUrl?.url;
  if (typeof url !== "string" || url === "") throw invalidRequest("image_url.url is required.", param);
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url }, ...cacheControl(part) };
  const parsed = parseDataUrl(url);
  if (!parsed) throw invalidRequest("image_url.url must be an http(s) URL or a data URL.", param);
  const mediaType = parsed.mediaType === "image/jpg" ? "image/jpeg" : parsed.mediaType;
  if (!imageTypes.includes(mediaType as ImageType)) {
    throw invalidRequest(`Anthropic accepts images as ${imageTypes.join(", ")}; got ${parsed.mediaType}.`, param);
  }
  return { type: "image", source: { type: "base64", media_type: mediaType as ImageType, data: parsed.data }, ...cacheControl(part) };
}

function documentBlock(part: ContentPart, param: string): DocumentBlockParam {
  const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
  const parsed = typeof file?.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
  const title = typeof file?.filename === "string" ? { title: file.filename } : {};
  if (parsed?.mediaType === "text/plain") {
    const text = Buffer.from(parsed.data, "base64").toString("utf8");
    return { type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title, ...cacheControl(part) };
  }
  if (!parsed || parsed.mediaType !== "application/pdf") {
    throw invalidRequest("Anthropic accepts file parts only as a PDF or plain-text data URL in file.file_data.", param);
  }
  return { type: "document", source: { type: "base64", media_type: "application/pdf", data: parsed.data }, ...title, ...cacheControl(part) };
}

/** Content of a user turn as Anthropic blocks; `param` names the message for errors. */
export function toAnthropicBlocks(content: ChatMessage["content"], param: string): UserBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: UserBlock[] = [];
  for (const [index, part] of content.entries()) {
    const block = partBlock(part, `${param}.content[${index}]`);
    if (block) blocks.push(block);
  }
  return blocks;
}

/** Content of a tool result: a user turn's blocks, and tool search's tool_reference parts (chat/tool-reference.ts) as tool_reference blocks. */
export function toToolResultBlocks(content: ChatMessage["content"], param: string): Array<UserBlock | ToolReferenceBlockParam> {
  if (!Array.isArray(content)) return toAnthropicBlocks(content, param);
  const blocks: Array<UserBlock | ToolReferenceBlockParam> = [];
  for (const [index, part] of content.entries()) {
    const where = `${param}.content[${index}]`;
    if (part.type === "tool_reference") {
      const reference = readToolReference(part);
      if (!reference) throw invalidRequest("tool_reference parts need a `tool_name`.", where);
      blocks.push({ type: "tool_reference", tool_name: reference.tool_name, ...cacheControl(part) });
      continue;
    }
    const block = partBlock(part, where);
    if (block) blocks.push(block);
  }
  return blocks;
}

function partBlock(part: ContentPart, where: string): UserBlock | undefined {
  switch (part.type) {
    case "text":
      if (typeof part.text !== "string") throw invalidRequest("text parts need a string `text`.", where);
      return part.text !== "" ? { type: "text", text: part.text, ...cacheControl(part) } : undefined;
    case "image_url":
      return imageBlock(part, where);
    case "file":
      return documentBlock(part, where);
    case "anthropic_block":
      return keptBlock(part, where) as unknown as UserBlock;
    default:
      throw invalidRequest(`Content parts of type "${part.type}" cannot be sent to Anthropic.`, where);
  }
}

function keptBlock(part: ContentPart, where: string): ContentBlockParam {
  const block = readAnthropicBlock(part);
  if (!block) throw invalidRequest("anthropic_block parts need a `block` with a `type`.", where);
  return block as unknown as ContentBlockParam;
}

/** An assistant turn's content: its text as text blocks, its server-tool blocks and cited text as they came. */
export function toAnthropicAssistantBlocks(content: ChatMessage["content"], param: string): ContentBlockParam[] {
  if (!Array.isArray(content) || !content.some((part) => part.type === "anthropic_block")) return toAnthropicTextBlocks(content, param);
  return content.flatMap((part, index) =>
    part.type === "anthropic_block" ? [keptBlock(part, `${param}.content[${index}]`)] : toAnthropicTextBlocks([part], `${param}.content[${index}]`),
  );
}

/** Text-only content (system prompts, assistant text) as text blocks, keeping each part's cache_control. */
export function toAnthropicTextBlocks(content: ChatMessage["content"], param: string): TextBlockParam[] {
  if (content == null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: TextBlockParam[] = [];
  for (const [index, part] of content.entries()) {
    // An assistant's refusal part is text the model said; keep it as such.
    const text = part.type === "text" ? part.text : part.type === "refusal" ? part.refusal : undefined;
    if (typeof text !== "string") throw invalidRequest(`Content parts of type "${part.type}" are not allowed here.`, `${param}.content[${index}]`);
    if (text !== "") blocks.push({ type: "text", text, ...cacheControl(part) });
  }
  return blocks;
}
