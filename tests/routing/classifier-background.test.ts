import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { FIM_MARKERS, detectBackgroundKind } from "../../src/routing/classifier/background-kind";
import { classifyRequest } from "../../src/routing/classifier/classify-request";
import { extractTaskText } from "../../src/routing/classifier/extract-task-text";
import { KeywordScanner } from "../../src/routing/classifier/keyword-scanner";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";

const kindOf = (messages: unknown[], extra: Record<string, unknown> = {}) => {
  const request = chatRequestSchema.parse({ model: "m", messages, ...extra });
  return detectBackgroundKind(request, extractTaskText(request));
};
const hardConversation = "user: customers are charged twice; find the race between the webhook and the worker and fix it\nassistant: The race is in markPaid…";

describe("background kinds", () => {
  test.each([
    ["Claude Code title", [{ role: "system", content: "Summarize this coding conversation in under 50 characters.\nCapture the main task, key files, problems addressed, and current status." }, { role: "user", content: hardConversation }], "title"],
    ["legacy title", [{ role: "user", content: `Please write a 5-10 word title for the following conversation:\n\n${hardConversation}\n\nRespond with the title for the conversation and nothing else.` }], "title"],
    ["opencode title", [{ role: "system", content: "You are a title generator. You output ONLY a thread title. Nothing else." }, { role: "user", content: "debug the deadlock in the worker" }], "title"],
    ["generic title", [{ role: "user", content: `Generate a concise title for this chat:\n${hardConversation}` }], "title"],
    ["Continue title", [{ role: "user", content: `Given the following chat history, reply with a title for the chat that is 3-4 words in length\n\n${hardConversation}` }], "title"],
    ["topic check", [{ role: "system", content: "Analyze if this message indicates a new conversation topic. If it does, extract a 2-3 word title…" }, { role: "user", content: "now do a security review of auth.ts" }], "topic-check"],
    ["Claude Code compaction", [{ role: "user", content: "fix the race" }, { role: "assistant", content: "done" }, { role: "user", content: "Your task is to create a detailed summary of the conversation so far, paying close attention to the user's explicit requests" }], "summary"],
    ["opencode compaction", [{ role: "user", content: "fix it" }, { role: "assistant", content: "ok" }, { role: "user", content: "Provide a detailed but concise summary of our conversation above. Focus on information that would be helpful for continuing the conversation" }], "summary"],
    ["aider summary", [{ role: "system", content: "*Briefly* summarize this partial conversation about programming.\nInclude less detail about older parts" }, { role: "user", content: "# USER\nrefactor the db layer\n# ASSISTANT\n…" }], "summary"],
    ["aider commit", [{ role: "system", content: "You are an expert software engineer that generates concise, one-line Git commit messages based on the provided diffs." }, { role: "user", content: "# Diffs:\n--- a.py\n+++ a.py\n-refactor\n+perf" }], "commit-message"],
    ["IDE commit", [{ role: "user", content: "Based on the following git diff, generate a concise and descriptive commit message:\n\ndiff --git a/x b/x" }], "commit-message"],
    ["Claude Code bash prefix", [{ role: "system", content: "Your task is to process Bash commands that an AI coding agent wants to run." }, { role: "user", content: "<policy_spec>\n# Claude Code Code Bash command prefix detection\n…command injection…\n</policy_spec>\nCommand: git diff" }], "command-prefix"],
    ["Claude Code file paths", [{ role: "system", content: "Extract any file paths that this command reads or modifies. For commands like \"git diff\" and \"cat\"…" }, { role: "user", content: "Command: cat a.ts\nOutput: …" }], "file-paths"],
    ["qwen FIM", [{ role: "user", content: "<|fim_prefix|>function add(a, b) {\n  <|fim_suffix|>\n}<|fim_middle|>" }], "autocomplete"],
    ["starcoder FIM", [{ role: "user", content: "<fim_prefix>def f():\n    <fim_suffix>\n<fim_middle>" }], "autocomplete"],
    ["deepseek FIM", [{ role: "user", content: "<｜fim▁begin｜>let x = <｜fim▁hole｜>;\n<｜fim▁end｜>" }], "autocomplete"],
    ["codellama FIM", [{ role: "user", content: "<PRE> const mutex = new Mutex(); <SUF>\n <MID>" }], "autocomplete"],
    ["hole filler", [{ role: "system", content: "You are a HOLE FILLER. You are provided with a file containing holes" }, { role: "user", content: "<QUERY>\nfunction f() {{FILL_HERE}}\n</QUERY>" }], "autocomplete"],
    ["home-made fill marker", [{ role: "system", content: "You are a code completion engine. Reply with ONLY the code that replaces <|fill|>." }, { role: "user", content: "def f():\n    <|fill|>" }], "autocomplete"],
    ["Codex compaction", [{ role: "user", content: "fix the deadlock" }, { role: "assistant", content: "…" }, { role: "user", content: "You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM that will resume the task." }], "summary"],
    ["Qwen Code compression", [{ role: "system", content: "You are the component that summarizes internal chat history into a given structure." }, { role: "user", content: "First, reason in your scratchpad. Then, generate the <state_snapshot>." }], "summary"],
    ["Qwen Code next speaker", [{ role: "user", content: "fix it" }, { role: "assistant", content: "Done." }, { role: "user", content: "Analyze *only* the content and structure of your immediately preceding response. Based *strictly* on that response, determine who should logically speak next: the 'user' or the 'model' (you)." }], "conversation-check"],
    ["Qwen Code loop check", [{ role: "system", content: "You are a sophisticated AI diagnostic agent specializing in identifying when a conversational AI is stuck in an unproductive state." }, { role: "user", content: "Please analyze the conversation history to determine the possibility that the conversation is stuck in a repetitive, non-productive state." }], "conversation-check"],
    ["Claude Code command description", [{ role: "system", content: "Describe the given bash command so that a user reviewing a permission prompt understands what it will do." }, { role: "user", content: "Input: docker buildx build --push .\nOutput:" }], "command-description"],
    ["Claude Code session title", [{ role: "system", content: "You are naming a coding session so the user can pick it out of a long list of sessions." }, { role: "user", content: `<session>\n${hardConversation}\n</session>` }], "title"],
    ["API digest", [{ role: "system", content: "Summarize the following Slack thread in 3 bullet points for the weekly digest." }, { role: "user", content: hardConversation }], "summary"],
    ["API summarizer role", [{ role: "system", content: "You summarize team chat logs." }, { role: "user", content: `Summarize this channel log:\n${hardConversation}` }], "summary"],
    ["API extraction", [{ role: "system", content: "Extract the fields from the bug report. Reply with JSON only." }, { role: "user", content: "Title: login broken\nSeverity: high\nSteps: XSS in the search box, attacker steals sessions" }], "extraction"],
    ["API command description", [{ role: "system", content: "Describe in one short sentence what the given shell command does, for a confirmation prompt." }, { role: "user", content: "find . -name '*.orig' -delete" }], "command-description"],
    ["FIM through a chat prompt", [{ role: "system", content: "Complete the line at <CURSOR>. Reply with the completion text only." }, { role: "user", content: "let total = items.reduce(<CURSOR>" }], "autocomplete"],
    ["branch name", [{ role: "system", content: "Suggest a short git branch name for this task." }, { role: "user", content: "fix the deadlock in the scheduler" }], "title"],
  ] as const)("%s", (_name, messages, kind) => {
    expect(kindOf([...messages])).toBe(kind);
  });

  test("every fill-in-the-middle marker holds < or [ (the cheap test before the markers are searched)", () => {
    for (const marker of FIM_MARKERS) expect(marker.includes("<") || marker.includes("[")).toBe(true);
  });

  test.each(FIM_MARKERS)("the marker %p is found at the start, inside, and at the end of the last user turn", (marker) => {
    for (const content of [`${marker}const a = 1;`, `const a = 1;\n${marker}\nconst b = 2;`, `${"x".repeat(2_000)}${marker}`]) {
      expect(kindOf([{ role: "user", content }])).toBe("autocomplete");
    }
    // Among other brackets of both kinds, and cut by the head's end (800 characters) or not.
    for (const content of [`a < b [c] <d ${marker} [e]`, `[[<<${marker}>>]]`, `${"<[".repeat(300)}${marker}${"x".repeat(500)}`, `${"x".repeat(800 - marker.length)}${marker}${"x".repeat(500)}`]) {
      expect(kindOf([{ role: "user", content }])).toBe("autocomplete");
    }
    const cut = `${"x".repeat(801 - marker.length)}${marker}${"x".repeat(500)}`;
    expect(kindOf([{ role: "user", content: cut }])).toBeUndefined();
    // Only part of a marker is no marker.
    expect(kindOf([{ role: "user", content: `a${marker.slice(0, -1)}x${marker.slice(1)}x` }])).toBeUndefined();
  });

  test("a title asked for through a JSON schema named for it is a title", () => {
    const format = { type: "json_schema", json_schema: { name: "session_title", schema: { type: "object", properties: { title: { type: "string" } } } } };
    expect(kindOf([{ role: "user", content: hardConversation }], { response_format: format })).toBe("title");
  });

  test("a max_tokens of 1 is a probe (Claude Code's quota check)", () => {
    expect(kindOf([{ role: "user", content: "quota" }], { max_tokens: 1 })).toBe("probe");
    expect(kindOf([{ role: "user", content: "quota" }], { max_tokens: 64 })).toBeUndefined();
  });

  test.each([
    ["a title field", "add a title field to the signup form"],
    ["a commit hook bug", "the commit-msg hook crashes on merge commits, fix it"],
    ["summarising code", "summarize what this function does"],
    ["a design question", "design a conversation history store with retention and search"],
    ["an extraction refactor", "extract the following helpers into a module and translate the errors"],
    ["a summary of a module", "Summarize the following module's design and its weak points"],
  ])("a person asking for %s is not background", (_name, content) => {
    expect(kindOf([{ role: "system", content: "You are Claude Code, Anthropic's official CLI for Claude." }, { role: "user", content }])).toBeUndefined();
  });

  test("background requests classify as economy whatever the conversation is about", () => {
    const request = chatRequestSchema.parse({
      model: "m",
      messages: [{ role: "user", content: `Please write a 5-10 word title for the following conversation:\n\n${hardConversation}\nTraceback (most recent call last):\n  File "a.py", line 1` }],
    });
    const result = classifyRequest(request);
    expect(result).toMatchObject({ tier: "economy", category: "background:title", score: 0 });
    expect(result.features.background).toBe(true);
  });

  test("the keyword scanner finds what the joined texts' lower case holds, on every eval text and edge case", () => {
    const words = ["summar", "summary", "tl;dr", "<|fill|>", "<cursor>", "fill_here", "next_speaker", "complete the", "he", "she", "his", "hers", "ab", "bab", "abab", "k", "ki", "ik", "i", "x y", "speak next"];
    const scanner = new KeywordScanner(words);
    const texts: string[] = [];
    for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b"])]) {
      for (const message of (entry.request as { messages: Array<{ content: unknown }> }).messages) if (typeof message.content === "string") texts.push(message.content.slice(0, 2_000));
    }
    const edges = ["USHERS", "SUMMARY", "Summarize", "TL;DR", "<CURSOR>", "<Cursor", "\u0130", "K\u0130", "\u0130K", "\u212a", "\u212aI", "I\u212a", "s\u0130ummar", "BABAB", "x y", "x\ny", "abab", "aBaB", "\u00e4b", "sp\u00e9ak next", "SPEA\u212a NEXT", ""];
    const groups: string[][] = [...texts.map((text) => [text]), ...edges.map((edge) => [edge]), ["a", "b"], ["x", "y"], ["summ", "ar"], ["he", "rs"], ["", "", ""], texts.slice(0, 3), [edges.join("")]];
    let hits = 0;
    for (const group of groups) {
      const lower = group.join("\n").toLowerCase();
      const found = scanner.scan(group);
      for (let id = 0; id < words.length; id++) {
        const expected = lower.includes(words[id]!);
        if ((found[id] === 1) !== expected) throw new Error(`'${words[id]}' in ${JSON.stringify(group.join("\n").slice(0, 200))}: expected ${expected}`);
        if (expected) hits++;
      }
    }
    expect(hits).toBeGreaterThan(1_000);
    expect(() => new KeywordScanner(["Title"])).toThrow();
  });
});
