/**
 * `/feedback good`, `/feedback bad wrong file edited`, `/feedback +1`, `/feedback -1 too slow`,
 * `/feedback 👍`: a rating (+1 or -1) and an optional comment. `/rate …` is the same command for
 * Claude Code and Codex, whose own /feedback files a report with their vendor and never reaches
 * the proxy.
 */
export type FeedbackCommand = { ok: true; rating: 1 | -1; comment: string | null } | { ok: false; message: string };

const positive = new Set(["good", "+1", "1", "up", "yes", "great", "ok", "👍", "thumbsup", "correct", "right"]);
const negative = new Set(["bad", "-1", "down", "no", "wrong", "poor", "👎", "thumbsdown", "incorrect"]);

export const FEEDBACK_PREFIX = "/feedback";
export const FEEDBACK_PREFIXES = [FEEDBACK_PREFIX, "/rate"] as const;

/** The command word the text starts with, alone or followed by white space. */
function commandPrefix(text: string): string | undefined {
  const trimmed = text.trimStart();
  // Both commands start with "/", which no other character lowercases to: most texts stop here, before a lowercase copy of all of them.
  if (trimmed.charCodeAt(0) !== 47) return undefined;
  return FEEDBACK_PREFIXES.find((prefix) => trimmed.toLowerCase().startsWith(prefix) && (trimmed.length === prefix.length || /\s/.test(trimmed[prefix.length]!)));
}

/**
 * `/feedback …` always is (a bad rating gets the usage line); `/rate` only with a rating after it,
 * so a request that merely starts with the word ("/rate limits are too low, raise them") still
 * reaches the model.
 */
export function isFeedbackCommand(text: string): boolean {
  const prefix = commandPrefix(text);
  if (prefix === undefined) return false;
  return prefix === FEEDBACK_PREFIX || parseFeedbackCommand(text).ok;
}

export function parseFeedbackCommand(text: string): FeedbackCommand {
  const rest = text.trimStart().slice((commandPrefix(text) ?? FEEDBACK_PREFIX).length).trim();
  const [first = "", ...words] = rest.split(/\s+/);
  const word = first.toLowerCase().replace(/[.!,:;]+$/, "");
  const rating = positive.has(word) ? 1 : negative.has(word) ? -1 : undefined;
  if (rating === undefined) {
    return { ok: false, message: "Usage: /feedback good|bad|+1|-1 [comment] (or /rate …), for example `/rate bad edited the wrong file`." };
  }
  const comment = words.join(" ").trim();
  return { ok: true, rating, comment: comment === "" ? null : comment.slice(0, 2000) };
}

/** A rating sent to POST /v1/feedback: 1, -1, "+1", "-1", "good", "bad", "up", "down". */
export function parseRating(value: unknown): 1 | -1 | undefined {
  if (value === 1 || value === -1) return value;
  if (typeof value !== "string") return undefined;
  const word = value.trim().toLowerCase();
  return positive.has(word) ? 1 : negative.has(word) ? -1 : undefined;
}
