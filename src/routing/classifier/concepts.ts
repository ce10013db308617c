import { type PhraseScan, compilePhrases } from "./phrase-matcher";
import { requiredLiterals } from "./required-literals";

/**
 * Kinds of work named in a person's words. Task concepts (the kinds of work the rubric sorts into
 * tiers) are groups of phrases read from the current task and the session; latest-turn concepts
 * (an acknowledgement, a look-up, a trivial edit…) are patterns read from the human's latest words.
 * A concept's strength is how many of its groups or patterns match, so "race" alone is a hint and
 * "race … lock ordering … deadlock" a concurrency job. The lists come from the labelling rubric's
 * categories and the ordinary vocabulary of each field, not from any one evaluation case; what a
 * concept is worth is learned (model-weights.json), not set here. They are matched against prose
 * (fenced code removed by the caller), so `sync.Mutex` in pasted code is not a concurrency task.
 */
export type Concept =
  // Kinds of work the rubric calls premium.
  | "concurrency"
  | "security"
  | "crypto"
  | "memory-safety"
  | "distributed"
  | "hard-algorithm"
  | "design"
  | "breadth"
  | "performance"
  | "elusive"
  | "symptom"
  | "data-at-stake"
  // Ordinary work (standard).
  | "tests"
  | "explain"
  | "debug"
  // Economy: trivial edits, version-control chores, look-ups, short questions, small talk.
  | "trivial-edit"
  | "vcs-chore"
  | "lookup"
  | "how-to"
  | "greeting"
  | "acknowledgement"
  | "go-ahead"
  | "retry"
  // A request to review or vet code: the rubric's security reviews, silent failures if missed.
  | "review";

export const HARD_CONCEPTS: readonly Concept[] = ["concurrency", "security", "crypto", "memory-safety", "distributed", "hard-algorithm", "design", "breadth", "performance", "elusive", "symptom", "data-at-stake"];
/** What the task's words are read for (features.ts's `task:` features): the hard kinds of work, and tests, explanations, debugging. */
export const TASK_CONCEPTS: readonly Concept[] = [...HARD_CONCEPTS, "tests", "explain", "debug"];

/**
 * Kinds of work, as groups of phrases (syntax in phrase-matcher.ts). A concept's strength is how
 * many of its groups the text hits.
 */
export const TASK_PHRASES = {
  concurrency: [
    ["race condition*", "data race*", "race between", "races between", "race with", "race past", "race when", "a race !detector", "the race !detector", "this race !detector", "racy", "racing", "race|races on|in|against", "lost update*", "write skew", "phantom read*", "interleav*"],
    ["deadlock*", "livelock*", "lock order*", "lock inversion", "lock contention", "starvation", "hangs forever", "hang forever", "priority inversion", "thread|pool starvation", "blocked forever", "locks up", "lock up"],
    ["lock free", "lockfree", "lockless", "wait free", "atomic|atomics|atomically", "memory order*|barrier*", "memory model", "acquire release", "compare and swap", "cas loop", "torn read*|write*", "aba", "happens before", "memory fence*", "volatile", "false sharing", "cache line*", "seqlock*", "rcu", "hazard pointer*"],
    ["thread safe*", "threadsafe", "thread safety", "concurren*", "mutex*", "semaphore*", "condition variable*", "double checked lock*", "synchroniz*|synchronis*", "goroutine leak*", "isolation level*", "serializable", "select for update", "advisory lock*", "optimistic|pessimistic|row|distributed lock*|locking"],
    ["idempoten*", "exactly once", "at least once", "double charge*|spend*|book*|send*|submit*", "charged|paid|sent|billed|booked twice", "duplicate charges|payments|messages|events|jobs", "sent|processed|charged|created|applied twice", "double processing", "oversell*", "oversold", "overbook*", "double book*", "duplicate|duplicated orders|transfers|emails|records|rows|webhooks|deliveries", "dedup*"],
    ["tsan", "thread sanitizer", "threadsanitizer", "loom", "race detector fire*|fail*|flag*|report*|complain*", "spsc", "mpsc", "mpmc", "isr", "interrupt handler*", "single flight", "singleflight", "reentran*", "toctou", "same time", "simultaneous*", "concurrent requests|writes|updates|users|calls|edits", "two requests|workers|processes|threads|tabs|instances|replicas|pods|nodes|devices", "multiple workers|processes|threads|instances|replicas|pods"],
  ],
  security: [
    ["security", "secure", "vulnerab*", "exploit*", "attack|attacks|attacker*", "malicious*", "untrusted", "threat model*", "credential*", "sanitiz*|sanitis*", "content security policy", "account takeover", "insecure"],
    ["injection", "xss", "csrf", "ssrf", "rce", "path traversal", "open redirect*", "zip slip", "deserializ*|deserialis*", "sandbox escape*", "prototype pollution", "xxe", "ssti", "clickjacking", "mass assignment"],
    ["auth|authentication|authorization bypass", "privilege*", "escalat*", "impersonat*", "spoof*", "tamper*", "enumeration", "brute force", "bruteforce", "session fixation", "idor", "access control", "permission check*", "authz", "rbac", "password reset", "session hijack*", "replay attack*", "replay|replayed events|requests|webhooks", "replays", "reject|prevent|block replay*"],
    ["pentest*", "pen test*", "audit", "before we|it|this go|goes live", "before going live", "before i|we merge|ship|release|launch|deploy|open", "look over|through ~ before", "quick look|check|review before", "review ~ before ~ merge|ship|launch|release|prod|production", "soc2", "soc 2", "owasp", "cve", "pci", "hipaa", "harden*", "penetration"],
    ["over privileged", "overprivileged", "publicly exposed", "leak|leaks|leaking secrets|tokens|credentials|keys", "row level security", "tenant isolation", "cross tenant"],
    ["is|are this|it|these|that safe|secure", "is|are ~ safe|secure", "is|are ~ ~ safe|secure", "is|are ~ ~ ~ safe|secure", "is|are ~ ~ ~ ~ safe|secure", "safe to use|run|call", "safe to expose|ship|deploy"],
  ],
  crypto: [
    ["encrypt*", "decrypt*", "cipher*", "aes", "cbc", "gcm", "nonce*", "static|fixed|reused|reuse iv"],
    ["hmac", "padding oracle", "key derivation|rotation", "kdf", "pbkdf2", "bcrypt", "argon2", "scrypt", "password hash*"],
    ["signature check*|verification", "verify signature*", "verify the signature*", "jwt*", "alg|algorithm none", "constant time", "timing attack*|leak*", "csprng", "secure random*", "token verification|validation", "verify|validate the|our token*", "signing key*", "signature header*", "signed url*|urls|payload*|request*", "presign*", "private key*", "certificate pinning", "sha1|md5 password*|hash*", "ecb", "key management"],
  ],
  "memory-safety": [
    ["use after free", "double free", "heap|stack|buffer overflow", "heap|stack buffer overflow", "out of bounds read|write|access", "dangling"],
    ["asan", "addresssanitizer", "ubsan", "msan", "valgrind", "segfault*", "sigsegv", "segmentation fault", "undefined behavior|behaviour", "memory corruption", "out of memory", "gc pressure", "unsafe block*|code", "raw pointer*", "buffer overrun*", "sound|soundness|unsound", "miri", "lifetime*"],
    ["memory leak*", "leak|leaks", "refcount*", "reference count*", "rss grow*", "rss ~ grow*", "rss ~ ~ grow*", "heap grow*", "heap ~ grow*", "memory grow*", "grows until oom|full", "heap snapshot*|histogram*|dump*", "jmap", "retained heap|size|set|memory|objects|instances|bytes|by|via", "retained ~ objects|instances|closures"],
    ["fuzz|fuzzer|fuzzing|fuzzed", "malformed input*|file*|packet*"],
  ],
  distributed: [
    ["consensus", "raft", "paxos", "leader election*", "quorum*", "split brain", "network partition*", "partition heal*", "exactly once delivery", "at most once", "message ordering", "ordering guarantee*", "replica|replication lag", "read your writes", "linearizab*", "clock skew", "gossip"],
    ["crdt*", "operational transform*", "eventual consisten*", "eventually consistent", "vector clock*", "lamport", "convergen*", "causal*"],
    ["saga|sagas", "outbox", "two phase commit", "2pc", "event sourc*", "cqrs", "dual write*", "cdc", "change data capture"],
    ["distributed", "multi region", "multiregion", "cross region", "failover", "redeliver*", "backpressure", "back pressure", "between nodes", "across nodes", "#2 replicas|regions|nodes|datacenters|clusters|shards", "across replicas|regions|datacenters|clusters", "cluster wide", "clusterwide", "globally"],
  ],
  "hard-algorithm": [
    ["interval tree*", "segment tree*", "fenwick", "red black", "avl", "b tree", "btree", "skip list*", "skiplist*", "augment*", "balanced tree*", "balanced binary", "suffix array*|tree*|automat*", "lazy propagation", "trie", "rope", "piece table", "r tree", "rtree", "quadtree", "kd tree"],
    ["error recovery", "incremental pars*|repars*", "recursive descent", "pratt", "grammar*", "parser generator", "resync*", "type inference", "type checker", "unification", "bytecode", "garbage collector", "regex engine", "query planner", "three way merge", "diff algorithm"],
    ["dynamic programming", "convex hull", "knapsack", "o n log n", "o nd", "myers", "max flow", "maxflow", "min cut", "bipartite", "topological", "sweep line", "constraint solver", "sat solver", "np hard", "amortized", "o log n"],
    ["compaction", "lsm", "write amplification", "consistent hashing", "bloom filter*", "property based test*", "property test*"],
  ],
  design: [
    ["architect|architecture|architectural", "system design", "design a|an|the|our|how", "designing", "high level design", "design doc*", "rfc", "how should we structure|split|organize|organise|model|design", "best way to structure|architect|organize|organise"],
    ["trade off*", "tradeoff*", "what are our|the|my options", "which approach", "pros and cons", "right approach"],
    ["microservice*", "monolith*", "event bus", "message bus", "bounded context*", "anti corruption", "anticorruption", "data ownership", "domain model*"],
    ["multi tenan*", "multitenan*", "zero downtime", "without downtime", "shard*", "partitioning", "high availability", "disaster recovery", "capacity planning", "event driven", "caching strategy", "cache invalidation"],
    ["scale to|for|out", "scalable", "scalability", "# writes|reads|requests|rps|qps|events|messages|msgs", "requests per second"],
    ["plan it|this", "plan the migration|split|move|cutover", "migration plan", "plan splitting", "plan before"],
  ],
  breadth: [
    ["refactor*", "restructur*", "rearchitect*", "re architect*", "rework", "rewrite the|our|all", "decoupl*", "codemod*", "hexagonal", "clean architecture", "layered architecture"],
    ["migrate|migrating the|our|all|every|everything|this|it", "migrate|migrating ~ from|to|off", "migration from|to|off|away", "move all|every|everything", "get rid of", "port it|this|everything from|to", "port the app|codebase from|to", "replace ~ with ~ everywhere|across", "upgrade from ~ to", "major version upgrade", "framework upgrade", "breaking changes", "deprecated api*"],
    ["across the|all|every|our repo|codebase|modules|services|files|app|project|components", "across the whole repo|codebase", "whole repo|codebase|api|app", "all|every route|routes|component|components|caller|callers|handler|handlers|service|services|model|models|page|pages|module|modules|file|files|screen|screens|endpoint|endpoints", "every call site*", "throughout the codebase|app|project|repo", "codebase wide", "repo wide", "monorepo"],
    ["#5 files|components|pages|routes|handlers|models|modules|services|screens|endpoints", "#3 packages|crates|services|apps|repos|microservices", "#5 ~ files|components|pages|routes|handlers|models|modules|services|screens|endpoints|slices|packages", "all # packages|crates|services|apps|modules", "whole|entire workspace|monorepo|project", "workspace wide", "everywhere", "downstream models|marts|services", "multi file", "multifile"],
    ["generic over", "abstract|abstraction layer|over|behind", "dependency injection", "as adapters", "adapter pattern", "split ~ into", "split into", "extract ~ into", "extract into"],
  ],
  performance: [
    ["performance", "perf", "optimize|optimized|optimizes|optimizing|optimization|optimise|optimised|optimising|optimisation", "slow|slower|slowness|slowly", "sluggish", "laggy|lag|lags", "bottleneck*", "speed up", "too slow"],
    ["latency", "throughput", "p50|p90|p95|p99|p999", "tti", "lcp", "cold start*", "cpu usage|bound|spike*", "high cpu", "memory usage", "gc pause*", "cache miss*", "load test*", "qps", "rps"],
    ["profiler|profiling", "profile it|this|the|our|that", "cpu|memory|heap profile*", "flame graph*", "flamegraph*", "pprof", "benchmark*", "explain analyze|analyse", "hot path*"],
    ["o n 2", "quadratic", "re render*", "rerender*", "bundle size", "skew|skewed", "time|times|timing out", "n 1 quer*|problem*"],
    ["take|takes|taking # s|ms|sec|secs|seconds|minutes|min|mins|hours", "take|takes|taking about|over|around # s|ms|sec|secs|seconds|minutes|min|mins|hours"],
  ],
  elusive: [
    ["flaky|flakiness|flake|flakes", "intermittent*", "sporadic*", "nondetermin*", "non determin*", "once a|per day|week|hour", "# in #", "one in three|four|five|ten", "# % of runs|requests", "# % of the time", "sporadically", "random failures", "fails randomly", "not deterministic"],
    ["only in|on prod|production|ci|staging", "only in release build*", "only on the real board|device", "cant reproduce", "cannot reproduce", "never fails|reproduces|happens|reproduced locally|on", "works|green|passes|fine locally", "heisenbug*", "never on x86", "pass|passes locally", "works on my machine", "only under load", "prod only"],
  ],
  symptom: [
    ["sometimes", "randomly", "occasionally", "every few", "every now", "at random", "over time", "after a while", "after some time", "every few hours|days|minutes"],
    ["corrupt*", "garbage values|bytes|data", "stale data|read|reads|value|values|bytes", "data loss", "lose|loses|losing|lost|drop|drops|dropping|dropped|swallow|swallows|swallowed data|messages|rows|events|edits|writes|updates|samples|items|records|jobs|requests", "lose|loses|losing|lost|drop|drops|dropping|dropped some|the|all data|messages|rows|events|edits|writes|updates|samples|items|records|jobs|requests", "drift|drifts|drifting", "diverg*"],
    ["hang|hangs", "stuck", "freeze|freezes", "crash loop*", "crashloop*", "never completes", "with no error", "under load", "under heavy load"],
  ],
  "data-at-stake": [
    ["money", "payment|payments", "ledger*", "balance|balances", "refund*", "transfer|transfers", "billing", "invoic*", "charge|charges|charged", "payout*"],
    ["must not lose|lock|drop|corrupt", "dont lose|lock|drop|corrupt", "mustnt lose|lock|drop", "never lose|drop", "without losing|locking|dropping", "user data", "production data", "live table", "#1000000 rows", "million|millions rows", "millions of rows"],
  ],
  tests: [["tests", "test cases", "coverage", "pytest", "jest", "vitest", "junit", "rspec", "xunit", "spec|specs", "unit test", "integration test"]],
  explain: [["explain !analyze !analyse", "explanation", "walk me through", "walk through", "how does", "what happens when|if|on", "help me understand"]],
  debug: [["bug|bugs", "fail|fails|failing|failed", "error|errors", "crash|crashes|crashed|crashing", "broken", "exception*", "traceback", "panic|panics|panicked", "doesnt work", "not working", "wrong"]],
} as const satisfies Record<string, readonly (readonly string[])[]>;

/** The human's latest words only: short, so plain patterns are cheap here. */
export const LATEST_RULES: Readonly<Record<string, readonly RegExp[]>> = {
  "trivial-edit": [
    /\btypos?\b|\bspelling|\bmisspell|\brename\b|\bbump\b|\b(upgrade|update|pin|set)\b.{0,40}\bto (v|version )?\^?~?\d+(\.\d+)+\b/i,
    /\bsort (the )?(imports|keys|lines|entries|alphabetically)|\breorder (the )?(imports|keys|fields)|\breformat|\bformat (this|the|it|that) (file|code|function|module)|\bformatting\b|\bindentation\b|\btrailing (comma|whitespace)|\btabs?\b.{0,20}\bspaces|\b(run|apply) (prettier|gofmt|black|isort|rustfmt|dart format)/i,
    /\b(change|set|update) (the )?([\w-]+ ){0,3}(port|timeout|default|constant|value|limit|version|name|url|color|colour|text|label)\b|\bport (to|from) \d+|\bport \d+ to \d+|\bset \w+ to \S+/i,
    /\b(delete|remove|drop)( the)? (unused|dead|commented[- ]out|stray)\b|\bdead code\b|\bchangelog\b|\.gitignore|\bgitignore\b|\blicense header|\bcopyright\b|\bconsole\.log|\barrow function|\bunused (import|imports|variable|variables|var|function|dependency|dependencies)\b/i,
    // Sorting or recasing what is shown, a port, one identifier for another.
    /\bsort (it|them|this|these|that)\b|\b(camel|snake|kebab|pascal) ?case\b|\b(to|use|on) (host )?port \d{2,5}\b|\bport \d{2,5} instead\b|[`'"][\w.$-]{1,40}[`'"] (should be|->|→) [`'"][\w.$-]{1,40}[`'"]/i,
    // A quoted literal replaced by another, a missing character, a stray line: one-line edits.
    /\b(change|replace|rename|swap)\b[^\n]{0,30}['"`“][^'"`”\n]{1,60}['"`”] (to|with|for|into) ['"`“]|\b(add|insert) (a |the )?missing (semicolon|comma|bracket|brace|paren|parenthesis|newline|import|quote)|\b(remove|delete|drop) (the |this |that )?(console\.log|print|debug(ger)?|log) (statement|line|call)s?\b|\bupdate (the )?(copyright )?year\b|\bnewline at (the )?end of/i,
  ],
  "vcs-chore": [/\bcommit (it|this|that|these|the changes)\b|\bpush (it|this|that|the branch)\b|^(please |ok,? |now |actually,? )?(revert|undo)\b|\b(revert|undo) (that|this|it|the last|my|your|those|these)\b|\bshow (me )?the diff|\bwhat changed\b|\bgit (status|log|diff|stash|checkout|branch)\b|\bwhich branch\b|\bstash\b|\bcherry-?pick|\bamend\b/i],
  lookup: [
    /^(where|which)\b.{0,80}\b(do we|does it|is it|are we|is the|are the|set|configured|defined|live|read|use|using|on)\b|^what('?s| is| are) (the|our)\b.{0,60}\b(value|version|port|name|url|env|id|setting|key|variable|path)\b/i,
    /\b(tell|let) me (if|whether|what)\b|\bjust (the|tell)\b|\bwhich (file|line|step|version|port|env|branch)|\bfind (every|all|where)\b.{0,160}\b(list|return|report)|\blist (the|all)\b/i,
    /\brun (the )?(unit |integration )?(tests?|test suite|suite|specs?|linter|build)\b.{0,60}\b(tell|report|let me know|and see|check)|^(cargo|npm|pnpm|yarn|go|make|bundle exec|pytest|mvn|gradle) (test|run \S+|check)( please| pls)?[.!]*$/i,
  ],
  "how-to": [
    /^(quick q(uestion)?[:,-]?\s*)?(how (do|can|to|should) (i|you|we)|how to\b|what('?s| is| are| does) (the )?(difference|syntax|command|meaning|flag)|difference between|is there a way to)\b/i,
    /^[\w .-]{0,20}:\s*(how|what|undo|regex|syntax|command)\b|\bone (para|paragraph|line|liner|sentence)\b|\bin short\b|\bwhat (exactly |actually )?does\b.{1,80}\b(mean|do|return)\b|\bwhat('?s| is) (a|an)\b/i,
    /^(an? )?(regex|regexp|regular expression|one-liner|cron( expression)?|jq( filter)?|awk|sed|css selector|glob( pattern)?|(git|docker|curl|shell|bash) command)\b.{0,20}\b(for|to|that|matching)\b|\bsyntax (for|to)\b/i,
  ],
  greeting: [/^(hi|hello|hey|hiya|yo|howdy|good (morning|afternoon|evening)|greetings)( there)?[!.,]*\s*$/i],
  acknowledgement: [
    /^(ok(ay)?|cool|great|nice|perfect|awesome|thanks?|thank you|thx|ty|cheers|lgtm|looks good|works( now)?|that worked|it works|sweet|ahh?|got it|makes sense|brilliant|that'?s it)([\s,.!]+(ok|thanks?|thank you|thx|ty|cheers|that'?s it|that worked|it works|works( now)?|man|mate|a lot|so much|great|perfect|nice|lgtm))*[\s.!]*$/i,
    /^(ok(ay)?|great|perfect|thanks?|thank you|thx|cheers|cool|nice|awesome)[\s,.!]+(that'?s (all|it|everything)|we'?re (done|good)|all good|done)( for (now|today|tonight))?[\s.!]*$/i,
    // Thanks with a word of praise around it ("perfect, thanks! looks great"), asking for nothing more.
    /^(?![^\n]*\b(now|but|also|can|could|please|add|fix|make|change|update|remove|try|run|do|next)\b)[^?\n]{0,30}\b(thanks|thank you|thx|cheers)\b[^?\n]{0,30}$/i,
    // A short turn that ends in thanks ("this is great, thank you!"): the work before it is done.
    /^[^?\n]{0,40}\b(thanks|thank you|thx|cheers|ty)( (so|very) much| a (lot|ton)| again)?[\s!.]*$/i,
  ],
  "go-ahead": [
    /^(yes|yep|yeah|sure|ok(ay)?,? (do|go|let'?s)|go|do it|go ahead|proceed|sounds good|approved?|ship it|let'?s do|continue|plan (looks|is) (right|good|fine))\b|(^|[.!:] )(go ahead|do it|do all of it|go with (option|approach|the)|option \d\b|do \d( ?\+ ?\d)?\b)|\bswitched to act mode/i,
  ],
  review: [
    /\b(review|audit|vet)\b|\blook (it |this |them )?over\b|\banything (wrong|dodgy|off|suspicious)\b|\bany (issues|problems|bugs|holes)\b|\bsanity[- ]check|\bquick (look|check)\b|\b(is|are) (this|it|that|these|our|the) [\w\s]{0,40}\b(safe|sound|secure)\b|\bcheck (this|it|that) is (fine|ok|okay|safe)\b/i,
  ],
  retry: [/\bstill (failing|fails|broken|doesn'?t|not|the same|wrong|hangs?|crash|bad|slow|losing)|\bsame error|\bdidn'?t (work|help|fix)|\bnot fixed|\btry again|\bneither (helped|worked)|\balready tried|\bworse\b|\bagain\b|\bnope\b|\bthat broke/i],
};

const TASK_MATCHER = compilePhrases<Concept>(TASK_PHRASES as unknown as Record<Concept, readonly (readonly string[])[]>);
// A pattern runs only on text containing one of its required literals (see required-literals.ts).
const LATEST_PATTERNS = Object.entries(LATEST_RULES).map(([concept, patterns]) => ({
  concept: concept as Concept,
  patterns: patterns.map((pattern) => ({ pattern, literals: requiredLiterals(pattern) })),
}));

/** Per concept, how many of its phrase groups the text (bounded by the caller) contains. */
export function detectConcepts(text: string, only?: readonly Concept[]): Map<Concept, number> {
  return TASK_MATCHER.count(text, only);
}

/** What detectConceptsJoined needs of a text that follows another (phrase-matcher.ts, `scan`). */
export function scanConcepts(text: string, only: readonly Concept[]): PhraseScan {
  return TASK_MATCHER.scan(text, only);
}

/** detectConcepts(head + "\n\n" + rest, only), from rest's scan with the same `only`. */
export function detectConceptsJoined(head: string, rest: PhraseScan, only: readonly Concept[]): Map<Concept, number> {
  return TASK_MATCHER.countJoined(head, rest, only);
}

/** Per concept of the latest turn (an acknowledgement, a look-up…), how many of its patterns match. */
export function detectLatestConcepts(text: string): Map<Concept, number> {
  const found = new Map<Concept, number>();
  const lower = text.toLowerCase();
  for (const { concept, patterns } of LATEST_PATTERNS) {
    let hits = 0;
    for (const { pattern, literals } of patterns) {
      if (literals && !containsAny(lower, literals)) continue;
      if (pattern.test(text)) hits++;
    }
    if (hits > 0) found.set(concept, hits);
  }
  return found;
}

function containsAny(text: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (text.includes(literal)) return true;
  return false;
}
