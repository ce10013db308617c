/**
 * Request shapes chosen to make the classifier work hard: one huge message of each role and kind
 * (prose, one line without spaces, dots, fences, unclosed tags, stack frames, tool errors), and
 * many tiny messages, content parts or tool calls. `scale` multiplies the sizes, so
 * bench/classifier-bounds.ts can check that the cost does not grow faster than the input.
 */
type Message = Record<string, unknown>;
type Request = { model: string; messages: Message[]; tools?: unknown[] };

const user = (content: unknown): Message => ({ role: "user", content });
const request = (messages: Message[], tools?: unknown[]): Request => ({ model: "auto", messages, ...(tools ? { tools } : {}) });
const readTool = [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }];

export function adversarialRequests(scale = 1): Array<[string, Request]> {
  const big = 400_000 * scale;
  const many = 4_000 * scale;
  const fill = (unit: string) => unit.repeat(Math.ceil(big / unit.length));
  const prose = fill("the race condition in the payment ledger deadlocks under load, see src/ledger.ts:12 and fix it. ");
  const toolTurns = (count: number, result: (index: number) => string): Message[] =>
    Array.from({ length: count }, (_, index) => [
      { role: "assistant", content: null, tool_calls: [{ id: `c${index}`, type: "function", function: { name: "bash", arguments: `{"command":"npm test ${index}","path":"src/f${index}.ts"}` } }] },
      { role: "tool", tool_call_id: `c${index}`, content: result(index) },
    ]).flat();
  return [
    ["huge prose ask", request([user(prose)])],
    ["huge ask without white space", request([user(fill("a"))])],
    ["huge ask of dots", request([user(fill("."))])],
    ["huge ask of path tokens", request([user(fill("src/a.ts:1:2 "))])],
    ["huge ask of fences", request([user(fill("```\n"))])],
    ["huge ask of fences with spaces", request([user(fill(" ```x"))])],
    ["huge ask of unclosed tags", request([user(fill("<system-reminder <file_content <additional_data "))])],
    ["huge ask of blank lines", request([user(fill("\n"))])],
    ["huge ask of log lines", request([user(fill("2024-01-01T00:00:00 ERROR failed at x.ts:1\n"))])],
    ["huge ask of diff lines", request([user(fill("diff --git a/x b/x\n@@ -1 +1 @@\n+a\n-b\n"))])],
    ["huge ask of stack frames", request([user(fill("\n    at fn (src/a.ts:1:2)"))])],
    ["huge ask of apostrophes", request([user(fill("don't can't '' "))])],
    ["huge ask of numbers", request([user(fill("200k 12 3% "))])],
    ["huge ask of cline tags", request([user(fill("<task><feedback><answer><user_query>"))])],
    ["huge system prompt", request([{ role: "system", content: prose }, user("fix the bug")])],
    ["huge assistant prose", request([user("why?"), { role: "assistant", content: prose }, user("ok do it")])],
    ["huge tool result", request([user("run the tests"), ...toolTurns(1, () => fill("Error: x\n    at y (a.ts:1:1)\n"))], readTool)],
    ["huge tool arguments", request([user("go"), { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "edit", arguments: fill('{"path":"a.ts"}') } }] }])],
    ["huge cline tool-result turn", request([user("<task>fix it</task>"), user([{ type: "text", text: "[execute_command for 'npm test'] Result:" }, { type: "text", text: fill("FAIL x\n") }])])],
    ["many tiny messages", request(Array.from({ length: many * 4 }, (_, index) => (index % 2 === 0 ? user(`m${index}`) : { role: "assistant", content: "k" })))],
    ["many tiny follow-ups", request(Array.from({ length: many * 4 }, () => user("ok")))],
    ["many content parts", request([user(Array.from({ length: many * 4 }, (_, index) => ({ type: "text", text: `p${index} ` })))])],
    ["many failing tool turns", request([user("fix the race"), ...toolTurns(many, (index) => `Error: failed ${index}\n    at x (a.ts:1:1)`)], readTool)],
    ["many tool calls in one turn", request([user("go"), { role: "assistant", content: null, tool_calls: Array.from({ length: many * 4 }, (_, index) => ({ id: `c${index}`, type: "function", function: { name: "read", arguments: `{"file_path":"src/f${index}.ts"}` } })) }])],
    ["many cline tool-result turns", request([user("<task>fix the deadlock</task>"), ...Array.from({ length: many }, (_, index) => user([{ type: "text", text: `[read_file for 'f${index}.ts'] Result:` }, { type: "text", text: `Error: ${index}` }]))])],
    ["many human turns of prose", request(Array.from({ length: many }, () => user(prose.slice(0, 2_000))))],
  ];
}
