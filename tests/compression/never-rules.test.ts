import { describe, expect, test } from "bun:test";
import { compressRequest } from "../../src/compression/compress-request";
import { compressText } from "../../src/compression/compress-text";
import { emptyStats } from "../../src/compression/compression-stats";
import { chatRequest, textOf, toolTurn } from "./request-helpers";

/**
 * Each "must never" of issue 12 against an input that the allowed steps would change if they were
 * applied naively (trailing spaces, blank runs, CRLF, colour codes, repeated lines inside code).
 */
const NOISE = "   \r\n\r\n\r\n\r\n\r\n\x1b[31mred\x1b[0m\n";
const output = (text: string) => compressText(text, "output", emptyStats("safe"), "test");

describe("code keeps every byte", () => {
  const cases: Record<string, string> = {
    "a backtick fence": "```python\ndef f():   \n\n\n\n\n    return 1\t\r\n```\n",
    "a tilde fence with colour codes inside": "~~~\n\x1b[32mliteral escape\x1b[0m   \n~~~~\n",
    "an unclosed fence (to the end of the text)": "```ts\nconst a = 1;   \n\n\n\n\nconst b = 2;   ",
    "a unified diff": "diff --git a/x.py b/x.py\nindex 1..2 100644\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n context   \n-old  \n+new   \n+new   \n+new   \n+new   \n",
    "a bare hunk": "@@ -10,2 +10,3 @@\n a  \n+b  \n",
    "an aider SEARCH/REPLACE block": "<<<<<<< SEARCH\nfoo()   \n\n\n\n\n=======\nbar()   \n>>>>>>> REPLACE\n",
    "a Cline SEARCH/REPLACE block": "------- SEARCH\nx = 1   \n=======\nx = 2   \n+++++++ REPLACE\n",
    "an apply_patch envelope": "*** Begin Patch\n*** Update File: a.py\n@@\n-x   \n+y   \n*** End Patch\n",
    "a <file> element": '<file path="src/a.ts">\nconst a = 1;   \n\n\n\n\nexport {};\r\n</file>',
    "a Cline <content> element": "<write_to_file>\n<path>a.py</path>\n<content>\nx = 1   \nx = 1   \nx = 1   \nx = 1   \n</content>\n</write_to_file>",
    "a <file_content> mention": '<file_content path="b.go">\nfunc f() {   \n}\n</file_content>',
  };
  for (const [name, code] of Object.entries(cases)) {
    test(name, () => {
      const text = `Look at this:${NOISE}${code}${code.endsWith("\n") ? "" : "\n"}after${NOISE}`;
      const result = output(text);
      expect(result).toContain(code);
      expect(result.length).toBeLessThan(text.length); // the noise around it was compressed
    });
  }

  test("indented code keeps its trailing spaces, CRLF and inner blank lines", () => {
    const code = "    if (x) {   \r\n\r\n\r\n\r\n        y();  \r\n    }\r\n";
    const result = output(`Code:${NOISE}${code}done   \n`);
    expect(result).toContain(code);
  });

  test("a read-file tool result keeps every byte", () => {
    const file = "     1\timport x   \n     2\t\n\n\n\n\n     3\t\x1b[0mconst y = 1;\r\n";
    const request = chatRequest([{ role: "user", content: "read it" }, ...toolTurn("t1", "Read", { file_path: "/a.ts" }, file)]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(file);
  });

  test("a shell command that prints a file keeps every byte", () => {
    const file = "def f():   \n\n\n\n\n    pass\nPASS\nPASS\nPASS\nPASS\n";
    const request = chatRequest([{ role: "user", content: "show" }, ...toolTurn("t1", "Bash", { command: "cd src && cat util.py" }, file)]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(file);
  });

  test("the result after a Cline read_file header keeps every byte", () => {
    const file = "export const a = 1;   \n\n\n\n\nexport const b = 2;\n";
    const request = chatRequest([
      { role: "user", content: [{ type: "text", text: "[read_file for 'src/a.ts'] Result:" }, { type: "text", text: file }] },
    ]);
    expect(textOf(compressRequest(request).request.messages[0])).toBe(`[read_file for 'src/a.ts'] Result:${file}`);
  });

  test("a JSON payload keeps every byte", () => {
    const json = '{\n  "a": "x   ",   \n\n\n\n\n  "b": 1\n}\n';
    const request = chatRequest([{ role: "user", content: "go" }, ...toolTurn("t1", "fetch_issue", { id: 1 }, json)]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(json);
  });
});

describe("tags", () => {
  test("tags clients rely on are kept, and the contents of prose tags are only whitespace-normalised", () => {
    const text = "<task>\nFix it.   \n</task>\n<environment_details>\n# Open Tabs   \n\n\n\n\nsrc/a.ts\n</environment_details>\n<system-reminder>x</system-reminder>";
    expect(output(text)).toBe("<task>\nFix it.\n</task>\n<environment_details>\n# Open Tabs\n\n\nsrc/a.ts\n</environment_details>\n<system-reminder>x</system-reminder>");
  });

  test("Cline's XML tool calls in assistant text are left whole", () => {
    const call = "<execute_command>\n<command>npm test   </command>\n<requires_approval>false</requires_approval>\n</execute_command>";
    const request = chatRequest([{ role: "user", content: "go" }, { role: "assistant", content: `Running.   \n\n\n\n\n${call}` }]);
    expect(textOf(compressRequest(request).request.messages[1])).toBe(`Running.\n\n\n${call}`);
  });

  test("a generic type is not a tag, and an unclosed tag does not freeze the rest", () => {
    expect(output("error: expected `Vec<u8>`   \n  File \"x.py\", line 3, in <module>\nnext   \n")).toBe(
      "error: expected `Vec<u8>`\n  File \"x.py\", line 3, in <module>\nnext\n",
    );
  });
});

describe("what is not text", () => {
  test("images and unknown parts pass through as the same objects", () => {
    const image = { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } };
    const audio = { type: "input_audio", input_audio: { data: "AAAA   \n\n\n\n", format: "wav" } };
    const request = chatRequest([{ role: "user", content: [{ type: "text", text: "see   " }, image, audio] }]);
    const content = compressRequest(request).request.messages[0]!.content as unknown[];
    expect(content[1]).toBe(request.messages[0]!.content![1]!);
    expect(content[2]).toBe(request.messages[0]!.content![2]!);
  });

  test("tool calls and reasoning are never touched", () => {
    const request = chatRequest([
      { role: "user", content: "go" },
      { role: "assistant", content: "ok   ", reasoning_content: "think   \n\n\n\n\n", tool_calls: [{ id: "a", type: "function", function: { name: "Bash", arguments: '{"command":"ls   "}' } }] },
    ]);
    const message = compressRequest(request).request.messages[1]!;
    expect(message.content).toBe("ok");
    expect(message.role === "assistant" && message.reasoning_content).toBe("think   \n\n\n\n\n");
    expect(message.role === "assistant" && message.tool_calls).toBe(request.messages[1]!.role === "assistant" ? request.messages[1]!.tool_calls : undefined);
  });
});

describe("cache marks", () => {
  const marked = (mark: Record<string, unknown>) =>
    chatRequest([
      { role: "system", content: [{ type: "text", text: "System   \n\n\n\n\n", ...mark }] },
      { role: "user", content: "first   " },
      { role: "assistant", content: "answer   " },
      { role: "user", content: [{ type: "text", text: "second   \x1b[1m!\x1b[0m" }] },
    ]);

  test("when any message carries cache_control, no message is touched", () => {
    const request = marked({ cache_control: { type: "ephemeral" } });
    const { request: result, stats } = compressRequest(request);
    expect(result.messages).toBe(request.messages);
    expect(stats.messagesKeptForCache).toBe(4);
  });

  test("without marks the same request is compressed", () => {
    const request = marked({});
    expect(compressRequest(request).request.messages).not.toBe(request.messages);
  });

  test("a tool carrying cache_control is left whole; others are normalised", () => {
    const tools = [
      { type: "function", function: { name: "a", description: "A tool.   \n\n\n\n\nUse it.", parameters: {} }, cache_control: { type: "ephemeral" } },
      { type: "function", function: { name: "b", description: "B tool.   ", parameters: {} } },
    ];
    const request = chatRequest([{ role: "user", content: "hi" }], { tools });
    const result = compressRequest(request).request.tools!;
    expect(result[0]).toBe(request.tools![0]!);
    expect(result[1]!.function.description).toBe("B tool.");
  });
});

describe("mode off", () => {
  test("returns the request as it came", () => {
    const request = chatRequest([{ role: "user", content: "x   \n\n\n\n\n\x1b[31my\x1b[0m" }]);
    const { request: result, stats } = compressRequest(request, { mode: "off" });
    expect(result).toBe(request);
    expect(stats.charactersAfter).toBe(stats.charactersBefore);
  });
});
