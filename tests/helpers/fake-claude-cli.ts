#!/usr/bin/env bun
/**
 * A stand-in for the `claude` binary (chosen through CLAUDE_CLI_PATH or the provider's `path`),
 * for the failures the real CLI will not produce on demand. It speaks the same stream-json, in
 * both input modes (plain text on stdin, or `--input-format stream-json` with an initialize
 * control request and a user line, as the pool uses it).
 *
 * The scenario is picked by a marker in the prompt, `[[fake:<mode>]]`:
 *   (none)        answers "echo bytes=<n> sha256=<hex> head=<first 40 chars>" in three deltas
 *   crash         after its init line, writes to stderr (with a fake secret) and exits 2
 *   crash-midway  starts an answer, then writes to stderr and exits 3
 *   hang          starts a grandchild `sleep`, writes init, then never answers
 *   hang-midway   starts an answer, starts a grandchild `sleep`, then goes silent forever
 *   garbage       writes a line that is not JSON, then sleeps forever
 *   error-result  ends with an is_error result (an upstream 401) and exits 1
 *   slow          sends 40 deltas 50 ms apart
 * With FAKE_CLAUDE_RECORD_DIR set, each run writes <dir>/<pid>.json: argv, cwd, the system prompt,
 * the prompt's size and hash, and the pid of any grandchild.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
const flag = (name: string) => {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
};
const model = flag("--model") ?? "claude-sonnet-4-5";
const session = crypto.randomUUID();
const recordDirectory = process.env.FAKE_CLAUDE_RECORD_DIR;
const record: Record<string, unknown> = { pid: process.pid, argv, cwd: process.cwd(), env: { ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL, DISABLE_AUTOUPDATER: process.env.DISABLE_AUTOUPDATER } };
const saveRecord = () => {
  if (recordDirectory) writeFileSync(join(recordDirectory, `${process.pid}.json`), JSON.stringify(record));
};
const emit = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const forever = () => new Promise(() => setInterval(() => {}, 60_000));
const streamEvent = (event: unknown) => emit({ type: "stream_event", event, session_id: session, parent_tool_use_id: null, uuid: crypto.randomUUID() });
const text = (value: string) => streamEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: value } });
const startMessage = () => {
  streamEvent({ type: "message_start", message: { id: "msg_fake", type: "message", role: "assistant", model, content: [], usage: { input_tokens: 11, output_tokens: 1 } } });
  streamEvent({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
};
const finish = (stopReason = "end_turn") => {
  streamEvent({ type: "content_block_stop", index: 0 });
  streamEvent({ type: "message_delta", delta: { stop_reason: stopReason }, usage: { output_tokens: 7 } });
  streamEvent({ type: "message_stop" });
  emit({ type: "result", subtype: "success", is_error: false, result: "", stop_reason: stopReason, usage: { input_tokens: 11, cache_read_input_tokens: 4, cache_creation_input_tokens: 2, output_tokens: 7 } });
};
const startGrandchild = () => {
  const grandchild = Bun.spawn(["sleep", "1000"], { stdio: ["ignore", "ignore", "ignore"] });
  record.grandchildPid = grandchild.pid;
};

async function readInput(): Promise<{ prompt: string; systemPrompt: string | undefined }> {
  const systemPromptFile = flag("--system-prompt-file");
  if (flag("--input-format") !== "stream-json") {
    return { prompt: await Bun.stdin.text(), systemPrompt: systemPromptFile ? readFileSync(systemPromptFile, "utf8") : undefined };
  }
  let systemPrompt: string | undefined;
  let pending = "";
  const decoder = new TextDecoder();
  for await (const bytes of Bun.stdin.stream()) {
    pending += decoder.decode(bytes, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      const line = JSON.parse(pending.slice(0, newline)) as { type: string; request_id?: string; request?: { subtype?: string; systemPrompt?: string }; message?: { content?: string } };
      pending = pending.slice(newline + 1);
      if (line.type === "control_request" && line.request?.subtype === "initialize") {
        systemPrompt = line.request.systemPrompt;
        emit({ type: "control_response", response: { subtype: "success", request_id: line.request_id, response: {} } });
      } else if (line.type === "user") {
        return { prompt: String(line.message?.content ?? ""), systemPrompt };
      }
      newline = pending.indexOf("\n");
    }
  }
  return { prompt: "", systemPrompt };
}

const { prompt, systemPrompt } = await readInput();
const mode = /\[\[fake:([a-z-]+)\]\]/.exec(prompt)?.[1] ?? "echo";
record.systemPrompt = systemPrompt;
record.promptBytes = Buffer.byteLength(prompt);
record.promptSha256 = createHash("sha256").update(prompt).digest("hex");
record.promptHead = prompt.slice(0, 200);
record.mode = mode;
saveRecord();

emit({ type: "system", subtype: "init", session_id: session, tools: [], model });
switch (mode) {
  case "crash":
    process.stderr.write("Error: fatal: the fake CLI crashed (token sk-ant-api03-fakesecretvalue0001)\n");
    await sleep(20);
    process.exit(2);
    break;
  case "crash-midway":
    startMessage();
    text("Half an ");
    await sleep(20);
    process.stderr.write("panic: lost the thread\n");
    await sleep(20);
    process.exit(3);
    break;
  case "hang":
    startGrandchild();
    saveRecord();
    await forever();
    break;
  case "hang-midway":
    startMessage();
    text("Thinking about it");
    startGrandchild();
    saveRecord();
    await forever();
    break;
  case "garbage":
    process.stdout.write("this is not json at all\n");
    await forever();
    break;
  case "error-result":
    emit({ type: "assistant", message: { id: "x", model: "<synthetic>", role: "assistant", content: [{ type: "text", text: "API Error: 401 invalid x-api-key" }] } });
    emit({ type: "result", subtype: "success", is_error: true, api_error_status: 401, result: "API Error: 401 invalid x-api-key · Please run /login", usage: { input_tokens: 0, output_tokens: 0 } });
    process.stderr.write("auth failed\n");
    await sleep(20);
    process.exit(1);
    break;
  case "slow":
    startMessage();
    for (let index = 0; index < 40; index++) {
      text(`tick${index} `);
      await sleep(50);
    }
    finish();
    break;
  default: {
    startMessage();
    text("echo ");
    text(`bytes=${record.promptBytes} sha256=${record.promptSha256} `);
    text(`head=${prompt.slice(0, 40)}`);
    finish();
  }
}
