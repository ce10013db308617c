import { describe, expect, test } from "bun:test";
import { compressRequest } from "../../src/compression/compress-request";
import { chatRequest, textOf, toolTurn } from "./request-helpers";

const FILE_A = Array.from({ length: 40 }, (_, index) => `export const value${index} = ${index}; // line ${index}`).join("\n");
const FILE_A_EDITED = FILE_A.replace("value3 = 3", "value3 = 33");
const read = (id: string, content: string, path = "/repo/src/a.ts") => toolTurn(id, "Read", { file_path: path }, content);

describe("exact duplicates", () => {
  test("a second read of an unchanged file becomes a reference naming the first call", () => {
    const request = chatRequest([{ role: "user", content: "check a.ts" }, ...read("t1", FILE_A), ...read("t2", FILE_A)]);
    const { request: result, stats } = compressRequest(request);
    expect(textOf(result.messages[2])).toBe(FILE_A);
    expect(textOf(result.messages[4])).toBe(
      '[Repeated output omitted: identical to the earlier result of Read {"file_path":"/repo/src/a.ts"} (tool call t1) above, 40 lines.]',
    );
    expect(stats.transforms.duplicates.charactersSaved).toBe(FILE_A.length - textOf(result.messages[4]).length);
  });

  test("a third identical read still points at the first: the name stays unambiguous", () => {
    const request = chatRequest([{ role: "user", content: "x" }, ...read("t1", FILE_A), ...read("t2", FILE_A), ...read("t3", FILE_A)]);
    const result = compressRequest(request).request;
    expect(textOf(result.messages[6])).toContain("(tool call t1)");
  });

  test("read, edit, read (changed), read (as the first): the last is kept, 'the earlier Read a.ts' would be ambiguous", () => {
    const request = chatRequest([
      { role: "user", content: "x" },
      ...read("t1", FILE_A),
      ...read("t2", FILE_A_EDITED),
      ...read("t3", FILE_A),
    ]);
    expect(textOf(compressRequest(request).request.messages[6])).toBe(FILE_A);
  });

  test("the same output from a differently named call refers to the first call by its own name", () => {
    const log = `npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.\nnpm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported\nnpm WARN deprecated rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported\nadded 1290 packages, and audited 1291 packages in 14s\n\n214 packages are looking for funding\n  run \`npm fund\` for details\n\nfound 0 vulnerabilities\n`;
    const request = chatRequest([
      { role: "user", content: "x" },
      ...toolTurn("b1", "Bash", { command: "npm install" }, log),
      ...toolTurn("b2", "Bash", { command: "npm install --no-audit" }, log),
    ]);
    expect(textOf(compressRequest(request).request.messages[4])).toContain('Bash {"command":"npm install"} (tool call b1)');
  });

  test("short outputs are left: the reference would not be much shorter", () => {
    const request = chatRequest([{ role: "user", content: "x" }, ...toolTurn("b1", "Bash", { command: "git status" }, "nothing to commit"), ...toolTurn("b2", "Bash", { command: "git status" }, "nothing to commit")]);
    expect(textOf(compressRequest(request).request.messages[4])).toBe("nothing to commit");
  });

  test("a user pasting the same long text twice gets a first-line reference", () => {
    const paste = `Traceback (most recent call last):\n${'  File "app.py", line 10, in handler\n    return compute(x)\n'.repeat(8)}ValueError: bad input`;
    const request = chatRequest([
      { role: "user", content: paste },
      { role: "assistant", content: "Looking." },
      { role: "user", content: [{ type: "text", text: "Still failing:" }, { type: "text", text: paste }] },
    ]);
    const result = compressRequest(request).request;
    expect(textOf(result.messages[2])).toBe('Still failing:[Repeated text omitted: identical to the earlier text above that begins "Traceback (most recent call last):", 18 lines.]');
  });

  test("Cline's repeated read_file result is named by its header", () => {
    const turn = () => ({ role: "user", content: [{ type: "text", text: "[read_file for 'src/a.ts'] Result:" }, { type: "text", text: FILE_A }] });
    const request = chatRequest([{ role: "user", content: "<task>x</task>" }, turn(), { role: "assistant", content: "ok" }, turn()]);
    const result = compressRequest(request).request;
    const parts = result.messages[3]!.content;
    expect(Array.isArray(parts) && parts[1]!.text).toBe(
      "[Repeated output omitted: identical to the earlier result after \"[read_file for 'src/a.ts'] Result:\" above, 40 lines.]",
    );
  });

  test("system and assistant texts are never replaced", () => {
    const long = `${FILE_A}\n`;
    const request = chatRequest([{ role: "system", content: long }, { role: "user", content: "x" }, { role: "assistant", content: long }]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(long);
  });

  test("a result containing an image is never replaced", () => {
    const content = [{ type: "text", text: FILE_A }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }];
    const request = chatRequest([{ role: "user", content: "x" }, ...toolTurn("s1", "Screenshot", {}, content), ...toolTurn("s2", "Screenshot", {}, content)]);
    expect(compressRequest(request).request.messages[4]).toBe(request.messages[4]!);
  });

  test("appending turns never changes what earlier messages compressed to", () => {
    const turns = [{ role: "user", content: "x" }, ...read("t1", FILE_A), ...read("t2", FILE_A_EDITED), ...read("t3", FILE_A), ...read("t4", FILE_A_EDITED)];
    const full = compressRequest(chatRequest(turns)).request.messages;
    for (let length = 1; length <= turns.length; length++) {
      expect(compressRequest(chatRequest(turns.slice(0, length))).request.messages).toEqual(full.slice(0, length));
    }
  });
});
