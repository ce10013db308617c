import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { type ChatRequest, chatRequestSchema, messageText } from "../src/chat/request-schema";
import { compressRequest } from "../src/compression/compress-request";
import { TRANSFORM_KINDS, type TransformKind } from "../src/compression/compression-stats";
import { useTextMemo } from "../src/compression/text-memo";
import { type ContentKind, type Transcript, sample, template } from "../tests/fixtures/compression-corpus/corpus-files";
import { corpusTranscripts } from "../tests/fixtures/compression-corpus/transcripts";

/**
 * Measures lossless compression on the corpus of agent transcripts in
 * tests/fixtures/compression-corpus: real tokens (o200k_base, GPT-4o's tokenizer; Claude's is not
 * public) before and after, per kind of content and per client, and the time to compress.
 *
 *   bun run eval:compression
 *
 * The headline counts captured output only; synthesised logs (pip and docker on a TTY, which
 * cannot be captured on this machine) are reported apart. `claude-code-unmarked` is the Claude
 * Code session with its cache marks removed: it shows what leaving marked requests alone costs
 * and is not counted in the totals.
 */
interface Tally {
  before: number;
  after: number;
}
const tally = (): Tally => ({ before: 0, after: 0 });
const add = (target: Tally, before: number, after: number) => {
  target.before += before;
  target.after += after;
};
const percent = (value: Tally) => (value.before === 0 ? "  0.0%" : `${(((value.before - value.after) / value.before) * 100).toFixed(1).padStart(5)}%`);
const row = (label: string, value: Tally) => `  ${label.padEnd(30)}${String(value.before).padStart(9)}${String(value.after).padStart(9)}${String(value.before - value.after).padStart(9)}   ${percent(value)}`;
const header = (title: string) => `\n${title}\n  ${"".padEnd(30)}${"before".padStart(9)}${"after".padStart(9)}${"saved".padStart(9)}   saved`;

const toRequest = (transcript: Transcript): ChatRequest =>
  chatRequestSchema.parse({ model: "corpus", messages: transcript.messages.map((entry) => entry.message), ...(transcript.tools ? { tools: transcript.tools } : {}) });

const byKind = new Map<ContentKind | "tool-definitions", Tally>();
const synthetic = new Map<ContentKind, Tally>();
const byClient = new Map<string, Tally>();
const headline = tally();
const withSynthetic = tally();
const transforms = Object.fromEntries(TRANSFORM_KINDS.map((kind) => [kind, 0])) as Record<TransformKind, number>;

for (const transcript of corpusTranscripts()) {
  const request = toRequest(transcript);
  const { request: compressed, stats } = compressRequest(request);
  const counted = transcript.id !== "claude-code-unmarked";
  const client = byClient.get(transcript.client) ?? tally();
  byClient.set(transcript.client, client);
  transcript.messages.forEach((entry, index) => {
    const before = countTokens(messageText(request.messages[index]!.content));
    const after = countTokens(messageText(compressed.messages[index]!.content));
    add(client, before, after);
    if (!counted) return;
    add(withSynthetic, before, after);
    const table = entry.synthetic ? synthetic : byKind;
    const kind = table.get(entry.kind) ?? tally();
    table.set(entry.kind, kind);
    add(kind, before, after);
    if (!entry.synthetic) add(headline, before, after);
  });
  if (request.tools) {
    const before = countTokens(JSON.stringify(request.tools));
    const after = countTokens(JSON.stringify(compressed.tools));
    add(client, before, after);
    if (counted) {
      const kind = byKind.get("tool-definitions") ?? tally();
      byKind.set("tool-definitions", kind);
      for (const target of [kind, headline, withSynthetic]) add(target, before, after);
    }
  }
  if (counted) for (const kind of TRANSFORM_KINDS) transforms[kind] += stats.transforms[kind].charactersSaved;
}

console.log("compression eval: tokens are o200k_base (gpt-tokenizer), prompt content only (message text and tool definitions)");
console.log(header("per kind of content (captured output)"));
for (const [kind, value] of [...byKind].sort((a, b) => b[1].before - b[1].after - (a[1].before - a[1].after))) console.log(row(kind, value));
console.log(header("synthesised TTY logs (not capturable here; see synthetic-logs.ts)"));
for (const [kind, value] of synthetic) console.log(row(kind, value));
console.log(header("per client (all of its transcripts)"));
for (const [client, value] of byClient) console.log(row(client, value));
console.log(header("overall"));
console.log(row("captured", headline));
console.log(row("captured + synthesised", withSynthetic));
console.log("\ncharacters removed by each transform (whole corpus, Claude Code unmarked excluded)");
for (const kind of TRANSFORM_KINDS) console.log(`  ${kind.padEnd(30)}${String(transforms[kind]).padStart(9)}`);

/**
 * Transcripts without cache marks, repeated until the content reaches `characters`; each repeat
 * gets fresh call ids and a distinct first line in every text, so nothing is an exact duplicate
 * and every text goes through every step (duplicate detection would make the repeats cheap).
 */
function largeConversation(characters: number, sources: Transcript[]): ChatRequest {
  const messages: Record<string, unknown>[] = [];
  let size = 0;
  const distinct = (content: unknown, round: number): unknown => {
    if (typeof content === "string") return `[session ${round}]\n${content}`;
    if (Array.isArray(content)) return content.map((part: Record<string, unknown>) => (typeof part.text === "string" ? { ...part, text: `[session ${round}]\n${part.text}` } : part));
    return content;
  };
  for (let round = 0; size < characters; round++) {
    for (const transcript of sources) {
      for (const { message } of transcript.messages.slice(1)) {
        const copy = JSON.parse(JSON.stringify(message).replaceAll('"call_', `"r${round}_call_`).replaceAll('"toolu_01', `"r${round}_toolu_01`)) as Record<string, unknown>;
        copy.content = distinct(copy.content, round);
        messages.push(copy);
        size += messageText(copy.content as ChatRequest["messages"][number]["content"]).length;
        if (size >= characters) break;
      }
      if (size >= characters) break;
    }
  }
  return chatRequestSchema.parse({ model: "corpus", messages: [{ role: "system", content: template("opencode-system.txt") }, ...messages] });
}

/** A conversation with nothing to compress: clean prose and file reads through a read tool. */
function cleanConversation(characters: number): ChatRequest {
  const files = ["cc-money.ts", "cc-pool.ts", "cc-webhooks.ts", "py-invoice.py", "go-payment.go", "web-Dashboard.tsx"].map(sample);
  const messages: Record<string, unknown>[] = [{ role: "system", content: "You are a careful coding agent. Read before you edit." }];
  let size = 0;
  for (let index = 0; size < characters; index++) {
    const content = `${files[index % files.length]!}\n// read ${index}`;
    messages.push({ role: "user", content: `Now look at module ${index} and tell me whether its error handling is consistent with the rest of the service.` });
    messages.push({ role: "assistant", content: null, tool_calls: [{ id: `call_${index}`, type: "function", function: { name: "read", arguments: JSON.stringify({ filePath: `/src/module-${index}` }) } }] });
    messages.push({ role: "tool", tool_call_id: `call_${index}`, content });
    messages.push({ role: "assistant", content: `Module ${index} wraps every database call and maps errors to the shared error type, so it is consistent.` });
    size += content.length + 200;
  }
  return chatRequestSchema.parse({ model: "corpus", messages });
}

/** Wall time per call: the minimum and the median of 300 calls after 50 warm-up calls. */
function time(request: ChatRequest): { min: number; median: number; characters: number; saved: number } {
  for (let warmup = 0; warmup < 50; warmup++) compressRequest(request);
  const samples: number[] = [];
  let result = compressRequest(request);
  for (let run = 0; run < 300; run++) {
    const started = performance.now();
    result = compressRequest(request);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0]!, median: samples[150]!, characters: result.stats.charactersBefore, saved: result.stats.charactersBefore - result.stats.charactersAfter };
}

const unmarked = corpusTranscripts().filter((transcript) => !transcript.cacheMarks);
const noisyRequest = largeConversation(200_000, unmarked.filter((transcript) => transcript.messages.every((entry) => !entry.synthetic)));
// Every call compresses its texts anew (the memo of recent texts off), as a request with new texts does.
useTextMemo(false);
const noisy = time(noisyRequest);
const clean = time(cleanConversation(200_000));
useTextMemo(true);
// The same request again with the memo on, as a client sends its conversation again every turn (text-memo.ts).
const again = time(noisyRequest);
const format = (value: ReturnType<typeof time>) =>
  `${(value.characters / 1000).toFixed(0)} KB: wall min ${value.min.toFixed(3)} ms, median ${value.median.toFixed(3)} ms (${value.saved.toLocaleString("en-US")} characters removed)`;
console.log(`\ntiming (300 calls after 50 warm-up calls; ${navigator.hardwareConcurrency} cores, load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)})`);
console.log(`  corpus content, no two texts alike, ${format(noisy)}`);
console.log(`  nothing to compress,                ${format(clean)}`);
console.log(`  corpus content, sent again,         ${format(again)}`);
console.log("  (the minimum is the cost of the work; the median adds what other processes on this machine take)");
