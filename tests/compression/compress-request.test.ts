import { describe, expect, test } from "bun:test";
import { compressRequest } from "../../src/compression/compress-request";
import { compressText } from "../../src/compression/compress-text";
import { emptyStats } from "../../src/compression/compression-stats";
import { dedentDocstring } from "../../src/compression/tool-schemas";
import { chatRequest, textOf, toolTurn } from "./request-helpers";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe("compressRequest", () => {
  test("never mutates its input and shares what it did not change", () => {
    const request = deepFreeze(chatRequest([{ role: "system", content: "Be brief." }, { role: "user", content: "hello   \n\n\n\n\nworld" }]));
    const { request: result } = compressRequest(request);
    expect(result.messages[0]).toBe(request.messages[0]!);
    expect(textOf(result.messages[1])).toBe("hello\n\n\nworld");
  });

  test("adds no field the client did not send", () => {
    const request = chatRequest([{ role: "user", content: "x   " }]);
    expect(Object.keys(compressRequest(request).request)).toEqual(Object.keys(request));
  });

  test("a request with nothing to compress comes back as the same object", () => {
    const request = chatRequest([{ role: "user", content: "Explain closures in JavaScript." }]);
    const { request: result, stats } = compressRequest(request);
    expect(result).toBe(request);
    expect(stats.charactersAfter).toBe(stats.charactersBefore);
  });

  test("stats count characters and estimated tokens per transform", () => {
    const log = `\x1b[32m✓\x1b[0m build\n${"tick\n".repeat(100)}done   \n`;
    const request = chatRequest([{ role: "user", content: "go" }, ...toolTurn("b", "Bash", { command: "make" }, log)]);
    const { stats } = compressRequest(request);
    expect(stats.transforms.terminal.charactersSaved).toBe(9);
    expect(stats.transforms["repeated-lines"].charactersSaved).toBe(99 * 5 - "[… previous line repeated 99 more times …]\n".length);
    expect(stats.transforms["trailing-whitespace"].charactersSaved).toBe(3);
    const saved = Object.values(stats.transforms).reduce((total, kind) => total + kind.charactersSaved, 0);
    expect(stats.charactersBefore - stats.charactersAfter).toBe(saved);
    expect(stats.estimatedTokensBefore).toBe(Math.ceil(stats.charactersBefore / 4));
  });

  test("a step that throws is skipped for that text and the others still run", () => {
    const stats = emptyStats("safe");
    const failing = { kind: "repeated-lines", needed: () => true, onText: () => { throw new Error("boom"); } } as const;
    const trailing = { kind: "trailing-whitespace", needed: () => true, onText: (body: string) => body.replace(/ +\n/g, "\n") } as const;
    expect(compressText("a   \nb\n", "output", stats, "messages[3]", [failing, trailing])).toBe("a\nb\n");
    expect(stats.skipped).toEqual([{ step: "repeated-lines", where: "messages[3]" }]);
  });
});

describe("tool definitions", () => {
  test("descriptions are normalised; names, enums, defaults and key order are not touched", () => {
    const parameters = {
      type: "object",
      properties: {
        mode: { type: "string", enum: ["a   ", "b"], default: "a   ", description: "The mode.   \n\n\n\n\nPick one." },
        description: { type: "string", description: "A field named description." },
      },
      required: ["mode"],
    };
    const request = chatRequest([{ role: "user", content: "x" }], { tools: [{ type: "function", function: { name: "run", description: "Runs.   ", parameters } }] });
    const tool = compressRequest(request).request.tools![0]!;
    expect(tool.function.description).toBe("Runs.");
    const properties = tool.function.parameters!.properties as Record<string, Record<string, unknown>>;
    expect(properties.mode).toEqual({ type: "string", enum: ["a   ", "b"], default: "a   ", description: "The mode.\n\n\nPick one." });
    expect(Object.keys(tool.function.parameters!)).toEqual(["type", "properties", "required"]);
    expect(properties.description).toBe((parameters.properties as Record<string, unknown>).description as Record<string, unknown>);
  });

  test("a raw Python docstring loses its common indentation, keeping relative indentation", () => {
    const docstring = "Search the index.\n\n        Args:\n            query: what to look for\n            limit: at most this many\n\n        Returns the hits.\n        ";
    expect(dedentDocstring(docstring)).toBe("Search the index.\n\nArgs:\n    query: what to look for\n    limit: at most this many\n\nReturns the hits.");
  });

  test("a description with a fence, or not shaped like a docstring, is not dedented", () => {
    expect(dedentDocstring("Run:\n    ```\n    x\n    ```\n    ")).toBe("Run:\n    ```\n    x\n    ```\n    ");
    expect(dedentDocstring("Example:\n    foo()\n    bar()")).toBe("Example:\n    foo()\n    bar()");
  });
});
