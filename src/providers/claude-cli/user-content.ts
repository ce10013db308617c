import { parseDataUrl } from "../../chat/data-url";
import type { ChatMessage } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";

/**
 * The blocks of the one user message a CLI run gets on stdin (`--input-format stream-json` takes
 * Anthropic content blocks and passes them to the API as they are; checked with 2.1.332):
 * - text;
 * - an image as a data URL → a base64 image block; as an http(s) URL → a `url` image block, which
 *   the Anthropic API fetches itself (as the anthropic provider sends it), so the proxy downloads
 *   nothing;
 * - a PDF as a data URL (`file.file_data`) → a base64 document block.
 * Anything else (audio, file ids) is a 400 naming the part: dropping it would change the question.
 */
export type UserBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string } }
  | { type: "document"; source: { type: "base64"; media_type: "application/pdf"; data: string }; title?: string };

type ContentPart = Exclude<ChatMessage["content"], string | null | undefined>[number];

const imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

function imageBlock(part: ContentPart, param: string): UserBlock {
  const imageUrl = part.image_url as { url?: unknown } | string | undefined;
  const url = typeof imageUrl === "string" ? imageUrl : imageUrl?.url;
  if (typeof url !== "string" || url === "") throw invalidRequest("image_url.url is required.", param);
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  const parsed = parseDataUrl(url);
  if (!parsed) throw invalidRequest("image_url.url must be an http(s) URL or a data URL.", param);
  const mediaType = parsed.mediaType === "image/jpg" ? "image/jpeg" : parsed.mediaType;
  if (!imageTypes.includes(mediaType)) throw invalidRequest(`The Claude CLI takes images as ${imageTypes.join(", ")}; got ${parsed.mediaType}.`, param);
  return { type: "image", source: { type: "base64", media_type: mediaType, data: parsed.data } };
}

function documentBlock(part: ContentPart, param: string): UserBlock {
  const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
  const parsed = typeof file?.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
  if (!parsed || parsed.mediaType !== "application/pdf") throw invalidRequest("The Claude CLI takes file parts only as a base64 PDF data URL in file.file_data.", param);
  const title = typeof file?.filename === "string" ? { title: file.filename } : {};
  return { type: "document", source: { type: "base64", media_type: "application/pdf", data: parsed.data }, ...title };
}

/**
 * A message's content as blocks, in order; `param` names the message for errors. Text parts come
 * back as text blocks the caller may join with its own framing.
 */
export function toUserBlocks(content: ChatMessage["content"], param: string): UserBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index): UserBlock => {
    const where = `${param}.content[${index}]`;
    switch (part.type) {
      case "text":
        return { type: "text", text: typeof part.text === "string" ? part.text : "" };
      case "refusal":
        return { type: "text", text: typeof part.refusal === "string" ? part.refusal : "" };
      case "image_url":
        return imageBlock(part, where);
      case "file":
        return documentBlock(part, where);
      default:
        throw invalidRequest(`The claude-cli provider cannot take '${part.type}' content (${where}). Send text, images or PDFs.`, where, "unsupported_content");
    }
  });
}
