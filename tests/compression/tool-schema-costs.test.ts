import { describe, expect, test } from "bun:test";
import { agentRequestBodies } from "../../bench/agent-requests";
import { type ChatRequest, chatRequestSchema } from "../../src/chat/request-schema";
import { compressRequest } from "../../src/compression/compress-request";
import { dedentDocstring, toolCharacters } from "../../src/compression/tool-schemas";
import { loadBlindSet } from "../fixtures/routing-eval/load-blind-set";
import { loadEvalSet } from "../fixtures/routing-eval/load-eval-set";
import { referenceDedentDocstring } from "./reference/dedent-docstring-reference";

/**
 * Two shortcuts in the compression of tool definitions, which every agent request carries: the
 * docstring test looks at the last line before any pass over the text, and compressRequest counts
 * each tool's description characters once per call. Both must give what the plain code gives: the
 * same dedented text for every description of every labelled and blind evaluation case, the
 * benchmark's agent requests and edge cases, and the same character counts in the stats.
 */
const requests: ChatRequest[] = [];
for (const entry of [...loadEvalSet(), ...loadBlindSet(["a", "b", "c", "d", "e", "f", "g", "h"])]) requests.push(chatRequestSchema.parse(entry.request));
for (const client of ["claude-code", "cline"] as const) {
  for (const size of [100_000, 200_000]) requests.push(chatRequestSchema.parse(JSON.parse(agentRequestBodies(client, size)())));
}

function descriptionsOf(value: unknown, into: string[]): void {
  if (Array.isArray(value)) for (const item of value) descriptionsOf(item, into);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "description" && typeof item === "string") into.push(item);
      else descriptionsOf(item, into);
    }
  }
}

describe("tool definitions' compression shortcuts", () => {
  test("the docstring test: the same text for every description and edge case", () => {
    const descriptions: string[] = [];
    for (const request of requests) descriptionsOf(request.tools, descriptions);
    expect(descriptions.length).toBeGreaterThan(500);
    const docstring = "Search the index.\n\n        Args:\n            query: what to look for\n\n        Returns the hits.\n";
    const edges = [
      "",
      "\n",
      " ",
      "\t",
      "a\n ",
      "a\nb\n ",
      "a\n    b\n    ",
      "a\n    b\n\t",
      "a\n    b\n \t ",
      "a\n    b\n    x",
      "a\n    b\n    \n",
      "a\n    b\n   \r",
      "a\r\n    b\r\n    ",
      "a\n    b\n\u00a0",
      "a\n    b\n\u3000",
      "a\n    ```\n    b\n    ",
      "a\n    ~~~\n    ",
      `${docstring}        `,
      `${docstring}        x`,
      `${docstring}\t`,
      `${docstring}`,
    ];
    let changed = 0;
    for (const text of [...descriptions, ...edges, ...descriptions.map((text) => `${text}\n    `), ...descriptions.map((text) => `Tool.\n    ${text.replaceAll("\n", "\n    ")}\n    `)]) {
      const expected = referenceDedentDocstring(text);
      expect(dedentDocstring(text)).toBe(expected);
      if (expected !== text) changed++;
    }
    expect(changed).toBeGreaterThan(100);
  });

  test("the stats count every tool's characters as the plain count does", () => {
    let toolsChanged = 0;
    for (const request of requests) {
      const { request: result, stats } = compressRequest(request);
      const count = (of: ChatRequest) => {
        let total = 0;
        for (const message of of.messages) {
          if (typeof message.content === "string") total += message.content.length;
          else if (Array.isArray(message.content)) for (const part of message.content) if (part.type === "text" && typeof part.text === "string") total += part.text.length;
        }
        for (const tool of of.tools ?? []) total += toolCharacters(tool);
        return total;
      };
      expect(stats.charactersBefore).toBe(count(request));
      expect(stats.charactersAfter).toBe(count(result));
      let saved = 0;
      let texts = 0;
      (request.tools ?? []).forEach((tool, index) => {
        const next = result.tools![index]!;
        if (next === tool) return;
        saved += toolCharacters(tool) - toolCharacters(next);
        texts++;
      });
      expect(stats.transforms["tool-schemas"]).toEqual({ charactersSaved: saved, textsChanged: texts });
      toolsChanged += texts;
    }
    expect(toolsChanged).toBeGreaterThan(50);
  });
});
