import fc from "fast-check";

/**
 * Generated agent conversations: reads of a few files that change between reads, shell commands
 * whose outputs repeat (some differing only in colour codes), pasted text repeated by the user.
 */
const lines = (prefix: string, count: number, noise = "") => Array.from({ length: count }, (_, index) => `${prefix} ${index}${index % 3 === 0 ? noise : ""}`).join("\n");

const FILES: Record<string, string[]> = {
  "/repo/src/a.ts": [lines("export const a =", 30, "   "), lines("export const a =", 31, "   ")],
  "/repo/src/b.py": [lines("def b():  # step", 25), lines("def b():  # changed step", 25)],
  "/repo/README.md": [lines("Documentation line", 40, "  ")],
};
const OUTPUTS: Record<string, string[]> = {
  "npm test": [
    `\x1b[32mPASS\x1b[0m src/a.test.ts\n${lines("  ✓ case", 20)}\nTests: 20 passed   \n`,
    `\x1b[1;32mPASS\x1b[0m src/a.test.ts\n${lines("  ✓ case", 20)}\nTests: 20 passed   \n`,
    `\x1b[31mFAIL\x1b[0m src/a.test.ts\n${lines("  ✕ case", 20)}\nTests: 20 failed\n`,
  ],
  "cargo build": [`${lines("   Compiling crate", 15)}\r\x1b[K    Building [=====>  ] 12/15\r\x1b[K    Finished dev\n${"warning: unused\n".repeat(8)}`],
  "git status": ["On branch main\nnothing to commit, working tree clean"],
};
const PASTES = [`Traceback (most recent call last):\n${lines('  File "app.py", line', 20)}\nValueError: bad   \n\n\n\n`, `${lines("ERROR 2026-01-01 request failed id", 25)}\n`];

export type Turn =
  | { kind: "read"; path: string; version: number }
  | { kind: "run"; command: string; output: number }
  | { kind: "paste"; index: number }
  | { kind: "say"; text: string };

const turn: fc.Arbitrary<Turn> = fc.oneof(
  fc.tuple(fc.constantFrom(...Object.keys(FILES)), fc.nat()).map(([path, version]): Turn => ({ kind: "read", path, version: version % FILES[path]!.length })),
  fc.tuple(fc.constantFrom(...Object.keys(OUTPUTS)), fc.nat()).map(([command, output]): Turn => ({ kind: "run", command, output: output % OUTPUTS[command]!.length })),
  fc.nat({ max: PASTES.length - 1 }).map((index): Turn => ({ kind: "paste", index })),
  fc.constantFrom("ok   ", "continue\n\n\n\n\nplease", "looks good").map((text): Turn => ({ kind: "say", text })),
);

export const turns = fc.array(turn, { minLength: 1, maxLength: 14 });

export function conversation(list: Turn[]): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [
    { role: "system", content: "You are a coding agent.   \n\n\n\n\nUse the tools." },
    { role: "user", content: "Fix the failing test." },
  ];
  list.forEach((item, index) => {
    const id = `call_${index}`;
    if (item.kind === "paste") messages.push({ role: "user", content: PASTES[item.index]! });
    else if (item.kind === "say") messages.push({ role: "user", content: item.text });
    else {
      const name = item.kind === "read" ? "Read" : "Bash";
      const args = item.kind === "read" ? { file_path: item.path } : { command: item.command };
      messages.push({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }] });
      messages.push({ role: "tool", tool_call_id: id, content: item.kind === "read" ? FILES[item.path]![item.version]! : OUTPUTS[item.command]![item.output]! });
    }
  });
  return messages;
}
