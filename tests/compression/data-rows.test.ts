import { describe, expect, test } from "bun:test";
import { compressRequest } from "../../src/compression/compress-request";
import { collapseRepeatedLines, repeatMarker } from "../../src/compression/repeated-lines";
import { chatRequest, textOf, toolTurn } from "./request-helpers";

/**
 * Identical rows of data are not noise: "how many orders are in this CSV?" has a different
 * answer once five rows read as one row and a marker. Only log noise in tool output collapses.
 */
const rows: Record<string, string> = {
  "JSON lines": '{"event": "click", "user": 7, "page": "/checkout"}\n',
  "JSON array rows with a trailing comma": '[1, "A-1", 2, 9.99, "2026-01-01"],\n',
  "CSV rows": "1001,A-1,2,9.99,2026-01-01,shipped\n",
  "semicolon-separated rows": "1001;A-1;2;9,99;2026-01-01;shipped\n",
  "TSV rows": "1001\tA-1\t2\t9.99\t2026-01-01\tshipped\n",
  "psql / sqlite3 / markdown table rows": "| 1001 | A-1 | 2 | 9.99 | 2026-01-01 | shipped |\n",
};

describe("repeated data rows are kept", () => {
  for (const [name, row] of Object.entries(rows)) {
    test(`${name} in tool output`, () => {
      const output = `query ok\n${row.repeat(6)}(6 rows)\n`;
      expect(collapseRepeatedLines(output)).toBe(output);
    });
  }

  test("a bash tool's NDJSON after a status line is kept", () => {
    const result = `HTTP 200\n${rows["JSON lines"]!.repeat(8)}`;
    const request = chatRequest([{ role: "user", content: "fetch the events" }, ...toolTurn("c1", "bash", { command: "curl -s localhost:8080/events" }, result)]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(result);
  });

  test("log noise in tool output still collapses", () => {
    const log = `starting\n${"Waiting for database to accept connections...\n".repeat(8)}ready\n`;
    const request = chatRequest([{ role: "user", content: "start it" }, ...toolTurn("c1", "bash", { command: "npm start" }, log)]);
    expect(textOf(compressRequest(request).request.messages[2])).toBe(`starting\nWaiting for database to accept connections...\n${repeatMarker(7)}\nready\n`);
  });

  test("Cline's command result in a user turn is tool output: its log noise collapses", () => {
    const text = `[execute_command for 'npm start'] Result:\n${"Waiting for database to accept connections...\n".repeat(8)}ready`;
    const request = chatRequest([{ role: "user", content: [{ type: "text", text }] }]);
    expect(textOf(compressRequest(request).request.messages[0])).toContain(repeatMarker(7));
  });
});

describe("user-authored text keeps its repeated lines", () => {
  const pastes: Record<string, string> = {
    "pasted JSON lines after a question": `Count the click events:\n${rows["JSON lines"]!.repeat(6)}`,
    "a pasted CSV with duplicate rows": `How many orders are there?\nid,sku,qty,price,date,state\n${rows["CSV rows"]!.repeat(5)}1002,B-2,1,4.50,2026-01-02,open\n`,
    "a pasted list of identical words": `Which of these are duplicates?\n${"sensor reading out of range\n".repeat(6)}`,
  };
  for (const [name, text] of Object.entries(pastes)) {
    test(name, () => {
      const request = chatRequest([{ role: "user", content: text }]);
      expect(textOf(compressRequest(request).request.messages[0])).toBe(text);
    });
    test(`${name} (as a text part)`, () => {
      const request = chatRequest([{ role: "user", content: [{ type: "text", text }] }]);
      expect(textOf(compressRequest(request).request.messages[0])).toBe(text);
    });
  }
});
