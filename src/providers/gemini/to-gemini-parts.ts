import type { Part } from "@google/genai";
import { parseDataUrl } from "../../chat/data-url";
import type { ChatMessage } from "../../chat/request-schema";
import { invalidRequest } from "../../errors";
import type { Logger } from "../../logger";

/**
 * The content of a user message as Gemini parts. Text stays text; images, audio and files given
 * as data URLs become `inlineData`. An http(s) image URL becomes `fileData {fileUri, mimeType}`:
 * the proxy does not download it, so it works only where Gemini fetches the URL itself (public
 * URLs on current models, or a Files API URI); the mime type is guessed from the extension.
 */
const extensionMimeTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

export function toGeminiParts(content: ChatMessage["content"], logger: Logger): Part[] {
  if (typeof content === "string") return content === "" ? [] : [{ text: content }];
  if (!content) return [];
  const parts: Part[] = [];
  for (const part of content) {
    const converted = toGeminiPart(part, logger);
    if (converted) parts.push(converted);
  }
  return parts;
}

function toGeminiPart(part: { type: string; [key: string]: unknown }, logger: Logger): Part | undefined {
  switch (part.type) {
    case "text":
      return typeof part.text === "string" && part.text !== "" ? { text: part.text } : undefined;
    case "image_url": {
      const image = part.image_url as { url?: unknown } | string | undefined;
      const url = typeof image === "string" ? image : image?.url;
      if (typeof url !== "string" || url === "") throw invalidRequest("An image_url part needs a url.", "messages");
      return urlPart(url);
    }
    case "input_audio": {
      const audio = part.input_audio as { data?: unknown; format?: unknown } | undefined;
      if (typeof audio?.data !== "string") throw invalidRequest("An input_audio part needs base64 data.", "messages");
      return { inlineData: { mimeType: `audio/${typeof audio.format === "string" ? audio.format : "wav"}`, data: audio.data } };
    }
    case "file": {
      const file = part.file as { file_data?: unknown; filename?: unknown } | undefined;
      if (typeof file?.file_data !== "string") {
        throw invalidRequest("Gemini accepts files only inline, as file.file_data (a data URL); file ids cannot be resolved.", "messages");
      }
      return urlPart(file.file_data);
    }
    default:
      logger.debug("dropped a content part Gemini cannot take", { type: part.type });
      return undefined;
  }
}

function urlPart(url: string): Part {
  if (url.startsWith("data:")) {
    const inline = parseDataUrl(url);
    if (!inline) throw invalidRequest("A data URL in the message could not be read.", "messages");
    return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  }
  if (/^https?:\/\//i.test(url) || url.startsWith("gs://")) {
    return { fileData: { fileUri: url, mimeType: guessMimeType(url) } };
  }
  throw invalidRequest("Only data: and http(s) URLs are supported for media parts.", "messages");
}

function guessMimeType(url: string): string {
  const path = url.split(/[?#]/)[0] ?? "";
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return extensionMimeTypes[extension] ?? "image/jpeg";
}
