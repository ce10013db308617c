import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI from "openai";
import { type MockOpenAIUpstream, startMockOpenAIUpstream } from "../helpers/mock-openai-upstream";
import { type TestProxy, startTestProxy } from "../helpers/test-proxy";

/**
 * Compression leaves a tool result that may be a file byte for byte: the model copies it into
 * exact-match edits (apply_patch context lines, search/replace), where a trailing space or a blank
 * line matters. Codex reads files through its `shell` tool as `["bash", "-lc", "sed -n 1,80p a.py"]`,
 * and other agents wrap commands the same way (`sh -c '…'`): the program that prints the file is
 * inside the shell's script, and the result must reach the model as the file is.
 */
let upstream: MockOpenAIUpstream;
let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  upstream = startMockOpenAIUpstream();
  proxy = await startTestProxy({ OPENAI_API_KEY: "sk-test-upstream-key-shell-reads-000", OPENAI_BASE_URL: upstream.url, COMPRESSION: "safe" });
  client = new OpenAI({ apiKey: "anything", baseURL: proxy.url, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

/** A Python file an agent will patch: trailing spaces, three blank lines, four identical lines. */
const file = 'import os   \n\n\n\n\nDEFAULTS = [\n0,\n0,\n0,\n0,\n]\nprint("done")  \n';
const shellTool = {
  type: "function" as const,
  name: "shell",
  description: "Runs a shell command and returns its output.",
  strict: false,
  parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } }, workdir: { type: "string" } }, required: ["command"] },
};

function upstreamSawFile(): boolean {
  const body = JSON.stringify(upstream.requests.at(-1)!.body);
  return body.includes(JSON.stringify(file).slice(1, -1));
}

for (const script of ["sed -n 1,80p app.py", "cat app.py", "nl -ba app.py | sed -n 1,40p"]) {
  test(`Responses door (Codex): the output of ["bash", "-lc", "${script}"] reaches the model byte for byte`, async () => {
    await client.responses.create({
      model: "gpt-4o-mini",
      store: false,
      tools: [shellTool],
      input: [
        { type: "message", role: "user", content: [{ type: "input_text", text: "Bump the defaults in app.py" }] },
        { type: "function_call", call_id: "call_1", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", script], workdir: "/repo" }) },
        { type: "function_call_output", call_id: "call_1", output: file },
      ],
    });
    expect(upstreamSawFile()).toBe(true);
  });
}

test("chat door: the output of `sh -c 'head -40 app.py'` reaches the model byte for byte", async () => {
  await client.chat.completions.create({
    model: "gpt-4o-mini",
    tools: [{ type: "function", function: { name: "run", parameters: { type: "object", properties: { command: { type: "string" } } } } }],
    messages: [
      { role: "user", content: "Bump the defaults in app.py" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "run", arguments: JSON.stringify({ command: "sh -c 'head -40 app.py'" }) } }] },
      { role: "tool", tool_call_id: "call_1", content: file },
    ],
  });
  expect(upstreamSawFile()).toBe(true);
});

test("the output of a wrapped command that prints no file is still compressed", async () => {
  const log = "PASS a.test.ts   \nPASS b.test.ts   \n";
  await client.chat.completions.create({
    model: "gpt-4o-mini",
    tools: [{ type: "function", function: { name: "run", parameters: { type: "object", properties: { command: { type: "string" } } } } }],
    messages: [
      { role: "user", content: "Run the tests" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "run", arguments: JSON.stringify({ command: "bash -lc 'npm test'" }) } }] },
      { role: "tool", tool_call_id: "call_1", content: log },
    ],
  });
  const body = JSON.stringify(upstream.requests.at(-1)!.body);
  expect(body).toContain(JSON.stringify("PASS a.test.ts\nPASS b.test.ts\n").slice(1, -1));
});
