import type { ChatRequest } from "../../chat/request-schema";
import type { TaskText } from "./extract-task-text";
import { KeywordScanner } from "./keyword-scanner";

/**
 * Requests coding tools send on their own, not because a person asked for work: chat titles,
 * "is this a new topic?" checks, history summaries and compaction, commit messages, autocomplete,
 * Claude Code's Bash-prefix, command-description and file-path calls, Qwen Code's next-speaker and
 * loop-detection checks, and warm-up probes. They are all easy
 * for a small model, however hard the conversation they are about. Recognised from the
 * instruction the tool wrote (system heads, the head and tail of the last user turn), never from
 * the conversation content, so a title request about a race condition is still a title request.
 */
export const BACKGROUND_KINDS = [
  "title",
  "topic-check",
  "summary",
  "commit-message",
  "autocomplete",
  "command-prefix",
  "command-description",
  "file-paths",
  "conversation-check",
  "extraction",
  "probe",
] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

interface Rule {
  kind: BackgroundKind;
  /** Lower-case words one of which every match contains: a cheap test before the regex. */
  keywords: string[];
  pattern: RegExp;
  /** Read in system prompts only: the same words from a person are a request for work. */
  systemOnly?: boolean;
}

// Order matters: a compaction prompt may mention titles, a title prompt may say "summarize".
const INSTRUCTION_RULES: Rule[] = [
  { kind: "topic-check", keywords: ["topic"], pattern: /new conversation topic|isNewTopic/i },
  { kind: "command-prefix", keywords: ["policy_spec", "prefix"], pattern: /<policy_spec>|command prefix detection|determine the (command )?prefix/i },
  { kind: "file-paths", keywords: ["file paths"], pattern: /extract any file paths that this command/i },
  { kind: "command-description", keywords: ["command"], pattern: /\bdescribe (the given|this|the following) (bash |shell )?command|\bdescription of what this command does|\bdescribe\b[^.\n]{0,40}\bwhat (the|this) (given |following )?(bash |shell )?command does/i },
  {
    kind: "conversation-check",
    keywords: ["speak next", "next_speaker", "repetitive", "unproductive"],
    pattern: /who should (logically )?speak next|"next_speaker"|stuck in a repetitive|non-productive state|unproductive state/i,
  },
  { kind: "autocomplete", keywords: ["hole filler", "fill_here", "completion engine", "<|fill|>"], pattern: /\bHOLE FILLER\b|\{\{FILL_HERE\}\}|\bcode completion engine\b|<\|fill\|>/ },
  // An editor's inline completion through a chat prompt: "Complete the line at <CURSOR>".
  { kind: "autocomplete", keywords: ["<cursor>", "complete the"], systemOnly: true, pattern: /^(complete|continue|fill in) the (line|code|statement|expression|snippet|function|text)\b[^\n]{0,30}\b(at|where)\b|<CURSOR>/i },
  {
    kind: "title",
    keywords: ["title", "summar", "naming"],
    pattern:
      /title generator|\bnaming (a|the|this) (coding )?(session|conversation|chat|thread)\b|\btitle for (the|this) (following )?(conversation|chat|thread|session)\b|reply with a title for the (chat|conversation)|\b(generate|write|create|suggest) an? (concise|short|brief)?,? ?[\w\s-]{0,20}\btitle\b(?! (field|prop|attribute|tag|column|element))|summari[sz]e this (coding )?conversation in under \d+ (characters|words)/i,
  },
  {
    kind: "summary",
    keywords: ["summar", "condense", "compaction", "state_snapshot"],
    pattern:
      /detailed summary of the conversation|summary of (our|the|this) conversation|summari[sz]e (this|the|our) (partial )?(conversation|chat)|type="condense"|summarizing conversations|context checkpoint compaction|handoff summary|summarizes internal chat history|<state_snapshot>/i,
  },
  // Plain API jobs over supplied text (a digest bot, a ticket parser): the system prompt orders a
  // summary, an extraction, a classification or a translation of what follows.
  {
    kind: "summary",
    keywords: ["summar", "tl;dr", "tldr"],
    systemOnly: true,
    pattern: /^you (are a \w+ that )?summari[sz]e |^(please )?(summari[sz]e|write a (short |brief )?summary of|tl;?dr)\b[^\n]{0,40}\b(the following|this|these|below|the (text|thread|message|messages|article|email|document|transcript|changelog|notes|log))\b/i,
  },
  {
    kind: "extraction",
    keywords: ["extract", "classify", "categori", "translate", "json only"],
    systemOnly: true,
    pattern: /^you (are a \w+ that )?(extract|classify|categori[sz]e|translate)s? |^(please )?(extract|classify|categori[sz]e|translate|tag|label)\b[^\n]{0,60}\b(the following|from the|from this|from each|this|these|below|into)\b|\b(reply|respond|answer|output) (with|in) (valid )?json only\b/i,
  },
  // Names and notes made from supplied text: a branch name, a PR title, a changelog line.
  {
    kind: "title",
    keywords: ["branch name", "pr title", "pull request title", "slug"],
    systemOnly: true,
    pattern: /\b(suggest|generate|write|create|propose|give)s?\b[^\n.]{0,30}\b(git )?(branch name|pr title|pull request title|slug)s?\b/i,
  },
  {
    kind: "commit-message",
    keywords: ["changelog", "release note"],
    systemOnly: true,
    pattern: /\b(write|generate|create|draft)s?\b[^\n.]{0,30}\b(changelog (entry|line|entries)|release notes?)\b/i,
  },
  { kind: "commit-message", keywords: ["commit message"], pattern: /\b(generates?|write|create|suggest|draft)s?\b[^\n.]{0,60}\bcommit messages?\b|commit messages? based on the (provided )?(git )?diffs?/i },
];

/** Every rule's keywords, read in one pass over the instructions; each rule's keywords by their place in it. */
const KEYWORDS = new KeywordScanner([...new Set(INSTRUCTION_RULES.flatMap((rule) => rule.keywords))]);
const RULE_KEYWORDS = INSTRUCTION_RULES.map((rule) => rule.keywords.map((keyword) => KEYWORDS.words.indexOf(keyword)));

/** Each holds "<" or "[" (detectBackgroundKind looks for those first; a test checks it). */
export const FIM_MARKERS = [
  "<|fim_prefix|>",
  "<|fim_suffix|>",
  "<|fim_middle|>",
  "<fim_prefix>",
  "<fim_suffix>",
  "<fim_middle>",
  "<｜fim▁begin｜>",
  "<｜fim▁hole｜>",
  "<｜fim▁end｜>",
  "<|fim_begin|>",
  "<|fim_hole|>",
  "<|fim_end|>",
  "<PRE> ",
  " <MID>",
  "[SUFFIX]",
  "[PREFIX]",
  "<CURSOR>",
];

/** Output budgets this small only fit a probe ("quota", "ping"), never real work. */
const PROBE_MAX_TOKENS = 4;

/** How much of each instruction source is read. */
const HEAD = 600;
const withinHead = (head: string) => head.length <= HEAD;
const cutHead = (head: string) => head.slice(0, HEAD);

export function detectBackgroundKind(request: ChatRequest, text: TaskText): BackgroundKind | undefined {
  const maxTokens = request.max_tokens ?? request.max_completion_tokens;
  if (maxTokens !== null && maxTokens !== undefined && maxTokens <= PROBE_MAX_TOKENS) return "probe";
  // Claude Code asks for titles with a JSON schema named for the job.
  const format = request.response_format;
  if (format?.type === "json_schema" && /title/i.test(format.json_schema?.name ?? "")) return "title";

  const head = text.lastUserHead;
  const tail = text.lastUserTail;
  // Every marker holds "<" or "[": a head and tail without either hold no marker.
  const bracketed = head.includes("<") || head.includes("[") || tail.includes("<") || tail.includes("[");
  if (bracketed && holdsFimMarker(head, tail)) return "autocomplete";

  // Instructions live in the system heads (aider, opencode, Claude Code's small-model calls) or
  // at the start or end of the final user turn (compaction, legacy titles, Continue).
  // extractTaskText keeps at most 600 characters of each system message: then they are read as they are.
  const systems = text.systemHeads.every(withinHead) ? text.systemHeads : text.systemHeads.map(cutHead);
  const userHead = head.slice(0, HEAD);
  // Which keywords the sources' lower case holds, joined by line breaks.
  const present = KEYWORDS.scan([...systems, userHead, tail]);
  for (let index = 0; index < INSTRUCTION_RULES.length; index++) {
    const rule = INSTRUCTION_RULES[index]!;
    if (!anyPresent(present, RULE_KEYWORDS[index]!)) continue;
    if (anyMatches(rule.pattern, systems) || (!rule.systemOnly && (rule.pattern.test(userHead) || rule.pattern.test(tail)))) return rule.kind;
  }
  return undefined;
}

/** Each marker with the place of its first "<" or "[". */
const MARKER_BRACKETS = FIM_MARKERS.map((marker) => ({ marker, offset: Math.min(...["<", "["].map((bracket) => marker.indexOf(bracket)).filter((at) => at !== -1)) }));

/**
 * A marker ends the tail or stands anywhere in the head. In the head it is looked for only where a
 * "<" or "[" is, at its own bracket's offset: one pass over the head's brackets instead of a search
 * of the whole head per marker.
 */
function holdsFimMarker(head: string, tail: string): boolean {
  for (const marker of FIM_MARKERS) if (tail.endsWith(marker)) return true;
  let angle = head.indexOf("<");
  let square = head.indexOf("[");
  while (angle !== -1 || square !== -1) {
    const at = square === -1 || (angle !== -1 && angle < square) ? angle : square;
    for (const { marker, offset } of MARKER_BRACKETS) if (at >= offset && head.startsWith(marker, at - offset)) return true;
    if (at === angle) angle = head.indexOf("<", at + 1);
    else square = head.indexOf("[", at + 1);
  }
  return false;
}

function anyPresent(present: Uint8Array, ids: readonly number[]): boolean {
  for (const id of ids) if (present[id] === 1) return true;
  return false;
}

function anyMatches(pattern: RegExp, texts: readonly string[]): boolean {
  for (const text of texts) if (pattern.test(text)) return true;
  return false;
}
