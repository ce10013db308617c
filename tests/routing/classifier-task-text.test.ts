import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { extractTaskText } from "../../src/routing/classifier/extract-task-text";
import { splitUserTurn } from "../../src/routing/classifier/split-user-turn";

const request = (messages: unknown[], extra: Record<string, unknown> = {}) => chatRequestSchema.parse({ model: "m", messages, ...extra });
const toolCall = (id: string, name: string, args: Record<string, unknown>) => ({ id, type: "function", function: { name, arguments: JSON.stringify(args) } });

describe("splitUserTurn", () => {
  test("Cline: the task is human, environment_details is boilerplate, file_content is context", () => {
    const turn = splitUserTurn([
      { type: "text", text: '<task>\nFix the login redirect\n</task>\n\n<file_content path="server/auth.ts">\nexport const x = 1;\n</file_content>' },
      { type: "text", text: "<environment_details>\n# Current Working Directory (/p) Files\nsrc/a.ts\nsrc/b.ts\n</environment_details>" },
    ]);
    expect(turn.kind).toBe("human");
    expect(turn.human).toContain("Fix the login redirect");
    expect(turn.human).not.toContain("export const x");
    expect(turn.context).toContain('path="server/auth.ts"');
    expect(turn.boilerplateChars).toBeGreaterThan(50);
  });

  test("Cline: a tool result turn keeps the output and lifts the user's feedback out as human text", () => {
    const turn = splitUserTurn([
      { type: "text", text: "[attempt_completion] Result:" },
      { type: "text", text: "The user has provided feedback on the results.\n<feedback>\nstill broken on Safari\n</feedback>" },
      { type: "text", text: "<environment_details>\n# Current Mode\nACT MODE\n</environment_details>" },
    ]);
    expect(turn.kind).toBe("tool-result");
    expect(turn.toolHeader).toBe("[attempt_completion] Result:");
    expect(turn.human.trim()).toBe("still broken on Safari");
    expect(turn.toolResult).not.toContain("ACT MODE");
  });

  test("Claude Code: <system-reminder> blocks are boilerplate, before or inside the human's part", () => {
    const separate = splitUserTurn([
      { type: "text", text: "<system-reminder>\n# claudeMd\nUse pnpm.\n</system-reminder>" },
      { type: "text", text: "why does the build fail?" },
    ]);
    expect(separate.human.trim()).toBe("why does the build fail?");
    const inline = splitUserTurn("<system-reminder>Todo list is empty.</system-reminder>\nrun the tests");
    expect(inline.human.trim()).toBe("run the tests");
    expect(inline.boilerplateChars).toBeGreaterThan(0);
  });

  test("Anthropic tool_result blocks passed through a door count as tool output, errors marked", () => {
    const turn = splitUserTurn([
      { type: "tool_result", tool_use_id: "toolu_1", is_error: true, content: [{ type: "text", text: "String to replace not found in file." }] },
      { type: "text", text: "<system-reminder>Todo list updated.</system-reminder>" },
    ]);
    expect(turn.kind).toBe("tool-result");
    expect(turn.toolResult).toContain("Error: String to replace not found");
    expect(turn.human).toBe("");
  });

  test("aider: the repo map is boilerplate and the added files are context", () => {
    expect(splitUserTurn("Here are summaries of some files present in my git repository.\nsrc/a.py:\n│def f():").kind).toBe("boilerplate");
    const files = splitUserTurn("I have *added these files to the chat* so you can go ahead and edit them.\n\nsrc/a.py\n```\ndef f(): pass\n```");
    expect(files.kind).toBe("context");
    expect(files.human).toBe("");
  });

  test("Cursor: only <user_query> is the human's text, <additional_data> is context", () => {
    const turn = splitUserTurn("<additional_data>\n<attached_files>\n```path=src/App.tsx, lines=1-3\nexport default 1;\n```\n</attached_files>\n</additional_data>\n\n<user_query>\ncenter the header\n</user_query>");
    expect(turn.human.trim()).toBe("center the header");
    expect(turn.context).toContain("path=src/App.tsx");
  });

  test("Continue: context items in their own parts are context, the question is human", () => {
    const turn = splitUserTurn([
      { type: "text", text: "```ts src/utils/dates.ts\nexport const a = 1;\n```" },
      { type: "text", text: "explain this" },
    ]);
    expect(turn.human.trim()).toBe("explain this");
    expect(turn.context).toContain("src/utils/dates.ts");
  });

  test("Codex and Qwen Code context turns are boilerplate", () => {
    expect(splitUserTurn("# AGENTS.md instructions for /home/dev/app\n<INSTRUCTIONS>\nUse pnpm.\n</INSTRUCTIONS>").kind).toBe("boilerplate");
    expect(splitUserTurn("<environment_context>\n<cwd>/home/dev/app</cwd>\n</environment_context>").kind).toBe("boilerplate");
    expect(splitUserTurn("This is the Qwen Code. We are setting up the context for our chat. Today's date is Friday.").kind).toBe("boilerplate");
  });

  test("a client's nudge or test output after a failed step is a failed tool result, not the human's words", () => {
    const nudge = splitUserTurn([{ type: "text", text: "[ERROR] You did not use a tool in your previous response! Please retry with a tool use." }]);
    expect(nudge.kind).toBe("tool-result");
    expect(nudge.failureNotice).toBe(true);
    expect(nudge.human).toBe("");
    const aider = splitUserTurn("Fix any errors below, if possible.\n\n## Running: pytest -q\nFAILED tests/test_a.py::test_x");
    expect(aider.kind).toBe("tool-result");
    expect(aider.toolResult).toContain("FAILED");
  });

  test("IDE rewrite prompts: the instruction is the human's words, the code is context", () => {
    const cursor = splitUserTurn("Please rewrite the following code:\n\n```ts:src/a.ts\nexport function f() {}\n```\n\nInstruction: arrow function const");
    expect(cursor.human.trim()).toBe("arrow function const");
    expect(cursor.context).toContain("export function f");
    const continueEdit = splitUserTurn('The user has requested a section of code in a file to be rewritten.\n\nThis is the code to rewrite:\n```c\nint x;\n```\n\nThe user\'s request is: "fix the ordering"\n\nHere is the rewritten code:');
    expect(continueEdit.human.trim()).toBe("fix the ordering");
  });
});

describe("extractTaskText", () => {
  test("system prompts are measured, not read; their heads are kept for background detection", () => {
    const system = `You are Cline.${"x".repeat(30_000)}`;
    const text = extractTaskText(request([{ role: "system", content: system }, { role: "user", content: "rename foo to bar" }]));
    expect(text.systemChars).toBe(system.length);
    expect(text.systemHeads[0]!.length).toBeLessThanOrEqual(600);
    expect(text.human).toEqual(["rename foo to bar"]);
  });

  test("counts tool calls since the task, their failures, and retries that failed again", () => {
    const text = extractTaskText(
      request([
        { role: "user", content: "older task" },
        { role: "assistant", content: "done" },
        { role: "user", content: "make the failing test pass, it has been red since yesterday's merge of the payments branch" },
        { role: "assistant", content: null, tool_calls: [toolCall("a", "Bash", { command: "npm test" })] },
        { role: "tool", tool_call_id: "a", content: "FAIL tests/a.test.ts\nAssertionError: expected 1 to be 2" },
        { role: "assistant", content: null, tool_calls: [toolCall("b", "Read", { file_path: "/p/src/a.ts" })] },
        { role: "tool", tool_call_id: "b", content: "export const a = 1;" },
        { role: "assistant", content: null, tool_calls: [toolCall("c", "Bash", { command: "npm test" })] },
        { role: "tool", tool_call_id: "c", content: "FAIL tests/a.test.ts\nAssertionError: expected 1 to be 2" },
      ]),
    );
    expect(text.toolTurns).toBe(3);
    expect(text.failedResults).toBe(2);
    expect(text.repeatedFailures).toBe(1);
    expect(text.toolPaths).toEqual(["/p/src/a.ts"]);
    expect(text.human).toHaveLength(1);
  });

  test("re-running a command after a fix is not a retry", () => {
    const text = extractTaskText(
      request([
        { role: "user", content: "fix the type error" },
        { role: "assistant", content: null, tool_calls: [toolCall("a", "Bash", { command: "tsc" })] },
        { role: "tool", tool_call_id: "a", content: "src/a.ts:1:1 - error TS2304: Cannot find name 'x'." },
        { role: "assistant", content: null, tool_calls: [toolCall("b", "Bash", { command: "tsc" })] },
        { role: "tool", tool_call_id: "b", content: "" },
      ]),
    );
    expect(text.failedResults).toBe(1);
    expect(text.repeatedFailures).toBe(0);
  });

  test("a short follow-up pulls in the task stated before it", () => {
    const task = "Refactor the billing module so that invoices and credit notes share one numbering service; keep the public API and update the tests. ".repeat(3);
    const text = extractTaskText(
      request([
        { role: "user", content: task },
        { role: "assistant", content: "Done." },
        { role: "user", content: "still failing" },
      ]),
    );
    expect(text.human).toEqual(["still failing", task.trim()]);
  });

  test("a substantial new request starts a new window", () => {
    const text = extractTaskText(
      request([
        { role: "user", content: "design the sharding scheme for the events table" },
        { role: "assistant", content: "Here is a design…" },
        { role: "user", content: "Now something different: add a footer with the copyright line and a link to the privacy page, matching the header's styles and spacing on mobile and desktop." },
      ]),
    );
    expect(text.human).toHaveLength(1);
    expect(text.humanTurns).toBe(2);
  });

  test("Cline XML tool loops count as tool calls, keyed by their result headers", () => {
    const result = (header: string, body: string) => ({ role: "user", content: [{ type: "text", text: header }, { type: "text", text: body }] });
    const text = extractTaskText(
      request([
        { role: "user", content: [{ type: "text", text: "<task>\nfix the flaky test\n</task>" }] },
        { role: "assistant", content: "<execute_command>\n<command>pnpm test</command>\n</execute_command>" },
        result("[execute_command for 'pnpm test'] Result:", "Command executed.\nOutput:\n FAIL tests/a.test.ts"),
        { role: "assistant", content: "<execute_command>\n<command>pnpm test</command>\n</execute_command>" },
        result("[execute_command for 'pnpm test'] Result:", "Command executed.\nOutput:\n FAIL tests/a.test.ts"),
      ]),
    );
    expect(text.toolTurns).toBe(2);
    expect(text.failedResults).toBe(2);
    expect(text.repeatedFailures).toBe(1);
    expect(text.human).toEqual(["fix the flaky test"]);
  });

  test("keeps the session around the task: earlier human turns, the assistant's latest words, failures before the task", () => {
    const text = extractTaskText(
      request([
        { role: "user", content: "the ledger test deadlocks under load; find out why and fix the lock ordering in transfer()" },
        { role: "assistant", content: null, tool_calls: [toolCall("a", "Bash", { command: "go test ./ledger" })] },
        { role: "tool", tool_call_id: "a", content: "panic: test timed out after 30s\ngoroutine 7 [semacquire]:" },
        { role: "assistant", content: "Both transfers lock their source account first; locking in id order removes the cycle. Shall I change it?" },
        { role: "user", content: "Before that, I also noticed the retry loop in the worker swallowing errors; can you check the worker first?" },
      ]),
    );
    expect(text.human).toHaveLength(1);
    expect(text.earlier[0]).toContain("deadlocks under load");
    expect(text.assistant).toContain("locking in id order");
    expect(text.sessionFailures).toBe(1);
    expect(text.failedResults).toBe(0);
    expect(text.endsWithToolResult).toBe(false);
  });

  test("knows when the request ends with tool output", () => {
    const text = extractTaskText(request([{ role: "user", content: "run it" }, { role: "assistant", content: null, tool_calls: [toolCall("a", "Bash", { command: "ls" })] }, { role: "tool", tool_call_id: "a", content: "a.ts" }]));
    expect(text.endsWithToolResult).toBe(true);
  });

  test("tool results are cut to their head and tail", () => {
    const long = `HEAD${"y".repeat(50_000)}TAIL`;
    const text = extractTaskText(request([{ role: "user", content: "read it" }, { role: "assistant", content: null, tool_calls: [toolCall("a", "Read", { file_path: "/a.ts" })] }, { role: "tool", tool_call_id: "a", content: long }]));
    expect(text.toolResults[0]!.length).toBeLessThan(2_100);
    expect(text.toolResults[0]!.startsWith("HEAD")).toBe(true);
    expect(text.toolResults[0]!.endsWith("TAIL")).toBe(true);
  });
});
