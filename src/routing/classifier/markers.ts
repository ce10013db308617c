/**
 * Words in the human's request that say what kind of work it is. Each category lists phrases; the
 * number of distinct phrases found is its strength, so "slow" alone is a hint while "takes 40
 * minutes … make it scale" is a performance project. Hard categories (security, concurrency,
 * architecture…) push towards premium, trivial ones (typo, rename, docstring) towards economy.
 * Patterns are phrases a person writes in a request, not identifiers that appear in pasted code,
 * so `verify_signature` in a traceback is not a security review.
 */
export type MarkerCategory =
  | "security"
  | "concurrency"
  | "elusive-bug"
  | "architecture"
  | "migration"
  | "refactor"
  | "performance"
  | "breadth"
  | "debug"
  | "test"
  | "explain"
  | "trivial"
  | "gratitude";

export const MARKER_RULES: Readonly<Record<MarkerCategory, readonly RegExp[]>> = {
  security: [
    /\bsecurity\b/i,
    /\binjection\b|\bxss\b|\bcsrf\b|\bssrf\b|path traversal/i,
    /privilege escalation|auth(entication|orization)? bypass|spoof/i,
    /timing attack|replay(ed)? (attack|event)|signature verification/i,
    /threat model|\bcve-\d|\baudit\b/i,
  ],
  concurrency: [
    /race condition|data race|\bthe race\b(?! detector)|\brace between\b/i,
    /\bdeadlock|lost wakeup|lock ordering|hangs? forever/i,
    /concurren|thread[- ]safe|\bmutex\b|\batomic(ally)?\b|for update skip locked/i,
    /idempoten|double[- ](charge|send|click)|(charged|renewed|invoiced) twice/i,
    /under load/i,
  ],
  // Failures that are hard to reproduce or to see: the classic premium debugging jobs.
  "elusive-bug": [
    /intermittent|\bflaky\b|\b(\d+|one) (run )?in (\d+|three|four|five|ten|twenty)( runs)?\b/i,
    /only in production|can'?t reproduce|cannot reproduce|never fails locally|not reproducible/i,
    /memory leak|\bleaks?\b|detached (dom|html)|heap (snapshot|grows)/i,
    /\bcorrupt(s|ed|ion)?\b|segfault|heisenbug|use-after-free/i,
  ],
  architecture: [
    /architect|system design|single source of truth|event sourcing|\bcqrs\b|command side/i,
    /[.!?]\s+design\b|\bdesign (a|an|the|how|our|my)\b|\bdesigning\b|how should (we|i) (structure|split|design)/i,
    /trade-?offs?|\bpropose\b/i,
    /migration plan|plan (it )?first|\bplan before\b/i,
    /multi-tenan|\boutbox\b|plugin (interface|system)|scalab/i,
  ],
  migration: [/\bmigrate\b|\bmigrating\b|framework migration/i, /\bport (it|this|the app|the codebase|everything) (from|to)\b|\bupgrade from\b/i],
  refactor: [/refactor|restructure|\bdecouple/i, /\bsplit (\S+ )?into\b|\bextract (\S+ )?into\b/i, /unit ?of ?work/i],
  performance: [
    /performance|optimi[sz]/i,
    /\bslow\b|\blags?\b/i,
    /latency|throughput/i,
    /\bprofil(e|ing|er)\b|heap snapshot/i,
    /takes? (~|about )?\d+(\.\d+)? ?(s|ms|sec|seconds|minutes|hours)\b/i,
    /memory (leak|grows|usage)/i,
    /re-?renders?|\bn\+1\b|o\(n\^?2\)|complexity/i,
    /\bscale\b|\d+k (subscriptions|tasks|orders|products|rows|users)|\b\d+m (payments|invoices|rows|items)/i,
  ],
  breadth: [
    /\beverywhere\b|across (the|all|every) (whole )?(repo|codebase|code base|modules|files|services)|\bwhole (repo|codebase|api)\b/i,
    /\b(every|all) (callers?|call sites|routes?|route files|route handlers|components)\b|\ball \d+\b/i,
  ],
  debug: [/\bbug\b|\bfails?\b|failing|\berror\b|\bcrash|doesn'?t work|\bbroken\b|exception|traceback|\bwhy (does|is|do)\b|\bwrong\b|\bstack trace\b|\bpanic\b/i],
  test: [/\b(write|add)\b[^.\n]{0,40}\btests?\b|\bunit tests?\b|test cases/i],
  explain: [/\bexplain\b|what does|how does|what happens/i],
  trivial: [
    /\btypo\b|spelling|\brename\b|one-line|full width/i,
    /doc comment|type hints|\bcomment\b/i,
    /\.gitignore|\breadme\b|\bbump\b|console\.log|\bgofmt\b|\bprettier\b|\bformat(ting)? (this|the file)/i,
    /padded to|\bpad(ded)? (to|with)\b|change the (pool size|default|constant|port|timeout)|commit this|convert to an? arrow/i,
    /\b(make|npm|yarn|pnpm) (script|target)s?\b|`(make|npm run|yarn|pnpm) [\w:-]+` (script|target)\b/i,
  ],
  gratitude: [/^(ok(ay)?[,!. ]*)?(great|thanks|thank you|thx|perfect|awesome|nice|cool|lgtm|looks good)[,!. ]*(thanks|thank you)?[!. ]*$/i],
};

// One pass per category first; most requests hit only a few categories, so the per-phrase
// counting below runs rarely.
const CATEGORY_PATTERNS = Object.entries(MARKER_RULES).map(([category, patterns]) => ({
  category: category as MarkerCategory,
  any: new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join("|"), patterns.some((pattern) => pattern.multiline) ? "im" : "i"),
  patterns,
}));

/** Per category, how many of its phrases the text contains. Bounded by the caller's text size. */
export function detectMarkers(text: string): Map<MarkerCategory, number> {
  const found = new Map<MarkerCategory, number>();
  for (const { category, any, patterns } of CATEGORY_PATTERNS) {
    if (category === "gratitude" && text.length > 60) continue;
    const subject = category === "gratitude" ? text.trim() : text;
    if (!any.test(subject)) continue;
    const hits = patterns.length === 1 ? 1 : patterns.reduce((count, pattern) => count + (pattern.test(subject) ? 1 : 0), 0);
    if (hits > 0) found.set(category, hits);
  }
  return found;
}
