import { parseDataUrl } from "../chat/data-url";

/**
 * The prompt tokens of a file part (`{type: "file", file: {file_data}}`: a PDF, or a text document
 * the Anthropic door turned into one), for the prompt estimate (request-needs.ts), which the
 * context-window check and the budget's reservation both read:
 * - a text document: its text, at CHARACTERS_PER_TOKEN (counted in bytes: never fewer);
 * - a PDF: PDF_PAGE_TOKENS a page. Providers bill a page's text and its picture: measured on
 *   Claude, ~2,100-2,500 tokens a page of text, ~1,600 a scanned one. The pages are its page
 *   objects (`/Type /Page`); a PDF that hides them in compressed object streams counts one page
 *   per BYTES_PER_PAGE of its size;
 * - a file the proxy cannot read (no inline data): one page.
 * Remembered per part: routing, the budget and the abort estimate each ask for the same request.
 */
const PDF_PAGE_TOKENS = 3_000;
const BYTES_PER_PAGE = 50 * 1024;

const remembered = new WeakMap<object, number>();

export function fileTokens(part: Record<string, unknown>, charactersPerToken: number): number {
  let tokens = remembered.get(part);
  if (tokens === undefined) {
    tokens = measure(part, charactersPerToken);
    remembered.set(part, tokens);
  }
  return tokens;
}

function measure(part: Record<string, unknown>, charactersPerToken: number): number {
  const file = part.file as { file_data?: unknown } | undefined;
  const parsed = typeof file?.file_data === "string" ? parseDataUrl(file.file_data) : undefined;
  if (!parsed) return PDF_PAGE_TOKENS;
  // Base64 is 4 characters for 3 bytes.
  const bytes = Math.floor((parsed.data.length * 3) / 4);
  if (parsed.mediaType.startsWith("text/")) return Math.ceil(bytes / charactersPerToken);
  const pages = parsed.mediaType === "application/pdf" ? pageObjects(Buffer.from(parsed.data, "base64")) : 0;
  return Math.max(1, pages || Math.ceil(bytes / BYTES_PER_PAGE)) * PDF_PAGE_TOKENS;
}

const TYPE = Buffer.from("/Type");
const PAGE = Buffer.from("/Page");
/** PDF white space and delimiters: a name ends at one of them (`/Page` but not `/Pages`). */
const NAME_ENDS = new Set([..." \t\r\n\f\0()<>[]{}/%"].map((character) => character.charCodeAt(0)));
const SPACES = new Set([..." \t\r\n\f\0"].map((character) => character.charCodeAt(0)));

/** How many `/Type /Page` entries the bytes hold, found natively (Buffer.indexOf). */
function pageObjects(bytes: Buffer): number {
  let pages = 0;
  for (let at = bytes.indexOf(TYPE); at >= 0; at = bytes.indexOf(TYPE, at + TYPE.length)) {
    let next = at + TYPE.length;
    while (next < bytes.length && SPACES.has(bytes[next]!)) next++;
    const end = next + PAGE.length;
    if (end <= bytes.length && bytes.compare(PAGE, 0, PAGE.length, next, end) === 0 && (end === bytes.length || NAME_ENDS.has(bytes[end]!))) pages++;
  }
  return pages;
}
