import fc from "fast-check";

/**
 * Generated text made of fragments, each knowing what a terminal would show for it (`visible`)
 * and whether it is code that must come out byte for byte. Whitespace noise (trailing spaces,
 * CRLF, blank runs) is everywhere, including inside code, so a step that reaches into code fails.
 */
export interface Fragment {
  raw: string;
  visible: string;
  code: boolean;
}

const word = fc.constantFrom("the", "build", "failed", "ok", "src/app.ts:12:5", "error[E0308]:", "PASS", "✓", "λ", "进度", "a<b", "x > 1", "`code`", "[1/3]", "--flag", "42", "—", "Vec<u8>", "in <module>", "#include <stdio.h>");
const trailing = fc.constantFrom("", "", "", " ", "   ", "\t", " \t ");
const ending = fc.constantFrom("\n", "\n", "\n", "\r\n");
const words = fc.array(word, { minLength: 1, maxLength: 8 }).map((list) => list.join(" "));
/** Redrawn lines avoid wide characters and tabs, which make the renderer fall back (tested by example). */
const narrowWords = words.map((line) => line.replaceAll("进度", "jindu"));
/** A redrawn line starts with a letter, so it cannot continue a diff or open a block. */
const redrawnLine = narrowWords.map((line) => `Step ${line}`);
/** A flush-left line that is neither a block opener nor a marker: starts with a letter. */
const proseLine = fc.tuple(fc.constantFrom("Note", "Then", "Error", "Running", "Result", "Done"), words, trailing, ending).map(([head, body, space, end]) => `${head} ${body}${space}${end}`);
const codeCharacters = fc.constantFrom("x", "=", "(", ")", "{", "}", ";", " ", "  ", "\t", "\"", "'", "<b>", "</b>", "# ", "+", "-", "*", "\x1b[31m", "\x1b[0m", "\r", "0");
const codeLine = fc.tuple(fc.constantFrom("", "", "    ", "\t", "  ", "fn", "let", "return"), fc.array(codeCharacters, { maxLength: 10 }), trailing, ending).map(([indent, body, space, end]) => `${indent}${body.join("")}${space}${end}`.replace(/^\s*[`~]{3}/, "x"));
const codeBody = fc.array(fc.oneof(codeLine, fc.constantFrom("\n", "   \n", "\r\n"), codeLine.map((line) => line.repeat(5))), { minLength: 1, maxLength: 8 }).map((lines) => lines.join(""));

const same = (raw: string, code = false): Fragment => ({ raw, visible: raw, code });

const prose = fc.array(proseLine, { minLength: 1, maxLength: 3 }).map((lines) => same(lines.join("")));
const blankRun = fc.array(fc.constantFrom("\n", "  \n", "\t\n", "\r\n"), { minLength: 1, maxLength: 6 }).map((lines) => same(lines.join("")));
const fence = fc.tuple(fc.constantFrom("```", "~~~", "````"), fc.constantFrom("", "ts", "python"), codeBody).map(([marker, language, body]) => same(`${marker}${language}\n${body}${marker}\n`, true));
const unclosedFence = codeBody.map((body) => same(`\`\`\`\n${body}`, true));
const indented = fc.array(fc.tuple(fc.constantFrom("    ", "\t", "        "), words, trailing, ending, fc.constantFrom("", "", "\n", "    \n\n")), { minLength: 1, maxLength: 5 }).map((lines) =>
  same(lines.map(([indent, body, space, end, after], index) => `${indent}${body}${space}${end}${index < lines.length - 1 ? after : ""}`).join(""), true),
);
const diffLines = fc.array(fc.tuple(fc.constantFrom(" ", "+", "-"), words, trailing), { minLength: 1, maxLength: 6 }).map((lines) => lines.map(([sign, body, space]) => `${sign}${body}${space}\n`).join(""));
const diff = diffLines.map((lines) => same(`diff --git a/x.ts b/x.ts\n--- a/x.ts\n+++ b/x.ts\n@@ -1,3 +1,3 @@\n${lines}`, true));
const searchReplace = fc.tuple(codeBody, codeBody).map(([before, after]) => same(`<<<<<<< SEARCH\n${before}=======\n${after}>>>>>>> REPLACE\n`, true));
const patch = diffLines.map((lines) => same(`*** Begin Patch\n*** Update File: src/x.py\n@@\n${lines}*** End Patch\n`, true));
const fileElement = fc.tuple(fc.constantFrom("file", "content", "file_content"), codeBody).map(([tag, body]) => same(`<${tag} path="src/a.ts">\n${body}</${tag}>\n`, true));
const proseElement = fc.tuple(fc.constantFrom("task", "environment_details", "system-reminder", "user_query", "context"), fc.array(proseLine, { minLength: 1, maxLength: 3 })).map(([tag, lines]) => same(`<${tag}>\n${lines.join("")}</${tag}>\n`));

const colour = fc.constantFrom("\x1b[31m", "\x1b[1;32m", "\x1b[0m", "\x1b[39m", "\x1b[2m", "\x1b[38;5;208m");
const ansiLine = fc.tuple(colour, narrowWords, colour, narrowWords).map(([open, first, close, rest]): Fragment => ({ raw: `${open}${first}${close} ${rest}\n`, visible: `${first} ${rest}\n`, code: false }));
const progress = fc.tuple(fc.constantFrom("Downloading", "Compiling", "Pulling fs layer", "Installing"), fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 12 }), fc.boolean(), fc.constantFrom("\n", "\r\n")).map(([label, percents, clearLine, end]): Fragment => {
  const frames = percents.map((percent) => `${label} [${"#".repeat(Math.floor(percent / 10)).padEnd(10)}] ${String(percent).padStart(3)}%`);
  const raw = clearLine ? frames.map((frame) => `\r\x1b[K${frame}`).join("") : frames.join("\r");
  return { raw: raw + end, visible: `${frames[frames.length - 1]}\n`, code: false };
});
const redraw = fc.tuple(fc.array(redrawnLine, { minLength: 1, maxLength: 4 }), fc.array(redrawnLine, { minLength: 1, maxLength: 4 })).map(([first, second]): Fragment => {
  const count = Math.min(first.length, second.length);
  const before = first.slice(0, count).map((line) => `${line}\n`).join("");
  const after = second.slice(0, count).map((line, index) => `${index === 0 ? `\x1b[${count}A` : ""}\x1b[2K${line}\n`).join("");
  return { raw: before + after, visible: second.slice(0, count).map((line) => `${line}\n`).join(""), code: false };
});
const repeated = fc.tuple(proseLine, fc.integer({ min: 2, max: 30 })).map(([line, times]) => same(line.repeat(times)));

export const fragment: fc.Arbitrary<Fragment> = fc.oneof(
  { arbitrary: prose, weight: 4 },
  { arbitrary: blankRun, weight: 3 },
  { arbitrary: fence, weight: 2 },
  { arbitrary: indented, weight: 1 },
  { arbitrary: diff, weight: 1 },
  { arbitrary: searchReplace, weight: 1 },
  { arbitrary: patch, weight: 1 },
  { arbitrary: fileElement, weight: 1 },
  { arbitrary: proseElement, weight: 1 },
  { arbitrary: ansiLine, weight: 2 },
  { arbitrary: progress, weight: 2 },
  { arbitrary: redraw, weight: 1 },
  { arbitrary: repeated, weight: 2 },
);

/** A text: fragments in a row, an unclosed fence possibly last, the final newline sometimes dropped. */
export const fragments: fc.Arbitrary<Fragment[]> = fc
  .tuple(fc.array(fragment, { minLength: 1, maxLength: 12 }), fc.option(unclosedFence, { freq: 8 }))
  .map(([list, tail]) => (tail ? [...list, tail] : list));
