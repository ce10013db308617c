/**
 * XML-like tags in prompts. Clients rely on them (`<task>`, `<environment_details>`,
 * `<system-reminder>`, Cline's XML tool calls, `<file>` attachments), so a tag itself is never
 * changed. Only a short list of tags is known to wrap prose; the contents of any other element
 * (`<file>`, `<content>`, `<diff>`, `<write_to_file>`, tags we have never seen) are left byte for
 * byte, because they may be code.
 */

/** Tags whose contents are prose or environment listings, normalised like the text around them. */
const PROSE_TAGS = new Set([
  "task",
  "environment_details",
  "system-reminder",
  "user_query",
  "context",
  "feedback",
  "user_message",
  "thinking",
  "answer",
  "question",
  "explicit_instructions",
  "important",
]);

/**
 * Tags that wrap file contents or edits in the clients we know. When one is opened and not closed
 * in the same text (the element continues in a later part), the rest of the text is left alone.
 * Any other unclosed tag (`<module>` in a Python traceback, `#include <stdio.h>`) is just a tag.
 */
const CODE_TAGS = new Set([
  "file",
  "content",
  "file_content",
  "final_file_content",
  "diff",
  "code",
  "patch",
  "source",
  "document",
  "document_content",
  "write_to_file",
  "replace_in_file",
  "apply_diff",
  "insert_content",
  "search_and_replace",
  "old_str",
  "new_str",
  "old_string",
  "new_string",
]);

/** `<name attributes>`, `</name>` or `<name/>`; attributes may not contain `<` or `>`. */
const TAG = /<(\/?)([A-Za-z][\w.:-]*)((?:\s[^<>]*)?)>/y;
const WORD_CHARACTER = /[A-Za-z0-9_]/;

export interface Tag {
  start: number;
  end: number;
  name: string;
  closing: boolean;
  selfClosing: boolean;
}

/** The tag starting exactly at `position`, if there is one. */
export function tagAt(text: string, position: number): Tag | undefined {
  // An opening `<` right after a word is a generic type (`Vec<u8>`, `Promise<string>`); a closing tag may follow a word.
  if (position > 0 && text[position + 1] !== "/" && WORD_CHARACTER.test(text[position - 1]!)) return undefined;
  TAG.lastIndex = position;
  const match = TAG.exec(text);
  if (!match) return undefined;
  return {
    start: position,
    end: position + match[0].length,
    name: match[2]!,
    closing: match[1] === "/",
    selfClosing: match[3]!.endsWith("/"),
  };
}

export function isProseTag(name: string): boolean {
  return PROSE_TAGS.has(name.toLowerCase());
}

export function isCodeTag(name: string): boolean {
  return CODE_TAGS.has(name.toLowerCase());
}

/** End (exclusive) of the element opened by `open`, honouring nesting of the same name; -1 if never closed. */
export function elementEnd(text: string, open: Tag): number {
  let depth = 1;
  let position = open.end;
  const needle = `<${open.name}`;
  const closing = `</${open.name}`;
  while (position < text.length) {
    const nextClose = text.indexOf(closing, position);
    if (nextClose === -1) return -1;
    let nextOpen = text.indexOf(needle, position);
    while (nextOpen !== -1 && nextOpen < nextClose) {
      const tag = tagAt(text, nextOpen);
      if (tag && tag.name === open.name && !tag.closing && !tag.selfClosing) depth += 1;
      nextOpen = text.indexOf(needle, nextOpen + 1);
    }
    const tag = tagAt(text, nextClose);
    if (tag && tag.closing && tag.name === open.name) {
      depth -= 1;
      if (depth === 0) return tag.end;
      position = tag.end;
    } else {
      position = nextClose + 1;
    }
  }
  return -1;
}
