#!/usr/bin/env bun
/**
 * A stand-in for the `claude` binary (chosen through CLAUDE_CLI_PATH or the provider's `path`),
 * for the failures the real CLI will not produce on demand. It speaks the same stream-json as
 * 2.1.332: stdin carries an `initialize` control request (system prompt, and the client's tools as
 * an SDK MCP server with their manifest) and one user message of content blocks; stdout carries
 * control responses, system/init, stream events, rate-limit events and the result.
 * `claude auth status` answers as logged in unless FAKE_CLAUDE_LOGGED_OUT is set.
 *
 * The scenario is picked by a marker in the prompt, `[[fake:<mode>]]`:
 *   (none)          answers "echo bytes=<n> sha256=<hex> head=<first 40 chars>" in three deltas
 *   crash           after its init line, writes to stderr (with a fake secret) and exits 2
 *   crash-midway    starts an answer, then writes to stderr and exits 3
 *   hang            starts a grandchild `sleep`, writes init, then never answers
 *   hang-midway     starts an answer, starts a grandchild `sleep`, then goes silent forever
 *   garbage         writes a line that is not JSON, then sleeps forever
 *   error-result    ends with an is_error result (an upstream 400) and exits 1
 *   auth-failure    the subscription's lost login as 2.1.332 reports it (status 401, "Not logged in"), exit 1
 *   usage-limit     an exhausted 5-hour limit: a rate_limit_event (rejected, resetsAt in 2 h), the
 *                   synthetic message and the is_error result naming the reset; exit 1
 *   tool-call       calls the first offered tool with {"path":"a.ts"} (fragments), then, as the real
 *                   CLI does, denies it itself and stops at its turn limit
 *   tool-call-bad   the same, with arguments that are not JSON
 *   tool-call-live  ignores the manifest and asks tools/list over the control channel first
 *   slow            sends 40 deltas 50 ms apart
 * With FAKE_CLAUDE_RECORD_DIR set, each run writes <dir>/<pid>.json: argv, cwd, the system prompt,
 * the prompt's size and hash, the tools it was given, image blocks, and the pid of any grandchild.
 */
import { createHash } from "node:crypto";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
if (argv[0] === "auth") {
  const loggedIn = !process.env.FAKE_CLAUDE_LOGGED_OUT;
  process.stdout.write(`${JSON.stringify({ loggedIn, authMethod: loggedIn ? "claude.ai" : "none", apiProvider: "firstParty", subscriptionType: loggedIn ? "max" : undefined })}\n`);
  process.exit(loggedIn ? 0 : 1);
}
const flag = (name: string) => {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
};
const model = flag("--model") ?? "claude-sonnet-4-5";
const session = crypto.randomUUID();
const recordDirectory = process.env.FAKE_CLAUDE_RECORD_DIR;
const record: Record<string, unknown> = {
  pid: process.pid,
  argv,
  cwd: process.cwd(),
  env: { ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY, DISABLE_AUTOUPDATER: process.env.DISABLE_AUTOUPDATER, ENABLE_TOOL_SEARCH: process.env.ENABLE_TOOL_SEARCH },
};
/** Written whole (to a temporary name, then renamed), so a test never reads half a record. */
const saveRecord = () => {
  if (!recordDirectory) return;
  const path = join(recordDirectory, `${process.pid}.json`);
  writeFileSync(`${path}.partial`, JSON.stringify(record));
  renameSync(`${path}.partial`, path);
};
const emit = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const forever = () => new Promise(() => setInterval(() => {}, 60_000));
const streamEvent = (event: unknown) => emit({ type: "stream_event", event, session_id: session, parent_tool_use_id: null, uuid: crypto.randomUUID() });
const text = (value: string) => streamEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: value } });
const messageStart = () =>
  streamEvent({ type: "message_start", message: { id: "msg_fake", type: "message", role: "assistant", model, content: [], usage: { input_tokens: 11, cache_read_input_tokens: 4, cache_creation_input_tokens: 2, output_tokens: 1 } } });
const startMessage = () => {
  messageStart();
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

/** stdin as JSON lines, read on demand (the control channel needs answers after the user message). */
const stdinIterator = (async function* () {
  let pending = "";
  const decoder = new TextDecoder();
  for await (const bytes of Bun.stdin.stream()) {
    pending += decoder.decode(bytes, { stream: true });
    for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() !== "") yield JSON.parse(line) as Record<string, any>;
    }
  }
})();
/** The next stdin line, or undefined at its end (a `for await … break` would close the generator). */
const nextLine = async () => (await stdinIterator.next()).value as Record<string, any> | undefined;

interface McpTool {
  name: string;
}
let systemPrompt: string | undefined;
let manifestTools: McpTool[] | undefined;
let sdkServers: string[] = [];
let blocks: Array<Record<string, any>> = [];
for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
  if (line.type === "control_request" && line.request?.subtype === "initialize") {
    systemPrompt = line.request.systemPrompt;
    sdkServers = line.request.sdkMcpServers ?? [];
    manifestTools = line.request.sdkMcpServerManifests?.client?.toolsListResult?.tools;
    emit({ type: "control_response", response: { subtype: "success", request_id: line.request_id, response: {} } });
  } else if (line.type === "user") {
    const content = line.message?.content;
    blocks = typeof content === "string" ? [{ type: "text", text: content }] : content;
    break;
  }
}
const prompt = blocks.filter((block) => block.type === "text").map((block) => String(block.text)).join("");
const mode = /\[\[fake:([a-z-]+)\]\]/.exec(prompt)?.[1] ?? "echo";
record.systemPrompt = systemPrompt;
record.promptBytes = Buffer.byteLength(prompt);
record.promptSha256 = createHash("sha256").update(prompt).digest("hex");
record.promptHead = prompt.slice(0, 200);
record.images = blocks.filter((block) => block.type === "image").map((block) => block.source);
record.tools = manifestTools?.map((tool) => tool.name);
record.mode = mode;
saveRecord();

/** Asks the client's SDK MCP server over the control channel, as a CLI that ignores the manifest does. */
async function askTools(): Promise<McpTool[]> {
  const requestId = crypto.randomUUID();
  emit({ type: "control_request", request_id: requestId, request: { subtype: "mcp_message", server_name: "client", message: { jsonrpc: "2.0", id: 1, method: "tools/list" } } });
  for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
    if (line.type === "control_response" && line.response?.request_id === requestId) return line.response.response.mcp_response.result.tools;
  }
  return [];
}

const tools = mode === "tool-call-live" && sdkServers.includes("client") ? await askTools() : (manifestTools ?? []);
record.toolsSeen = tools.map((tool) => tool.name);
saveRecord();
emit({ type: "system", subtype: "init", session_id: session, tools: tools.map((tool) => `mcp__client__${tool.name}`), mcp_servers: sdkServers.map((name) => ({ name, status: "connected" })), model });

async function toolCall(fragments: string[]): Promise<void> {
  const name = `mcp__client__${tools[0]?.name ?? "missing"}`;
  messageStart();
  streamEvent({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_fake01", name, input: {} } });
  streamEvent({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } });
  for (const partial_json of fragments) streamEvent({ type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json } });
  streamEvent({ type: "content_block_stop", index: 0 });
  emit({ type: "system", subtype: "permission_denied", tool_name: name, tool_use_id: "toolu_fake01", message: "denied" });
  streamEvent({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } });
  streamEvent({ type: "message_stop" });
  emit({ type: "user", message: { role: "user", content: [{ type: "tool_result", content: "denied", is_error: true, tool_use_id: "toolu_fake01" }] } });
  emit({ type: "result", subtype: "error_max_turns", is_error: true, stop_reason: "tool_use", errors: ["Reached maximum number of turns (1)"], usage: { input_tokens: 11, output_tokens: 9 } });
  // The real CLI waits for the next turn on an open stdin; the provider kills it.
  await forever();
}

async function errorResult(status: number, message: string, stderr: string, extra: Record<string, unknown> = {}): Promise<void> {
  emit({ type: "assistant", message: { id: "x", model: "<synthetic>", role: "assistant", content: [{ type: "text", text: message }] }, api_error_status: status, ...extra });
  emit({ type: "result", subtype: "success", is_error: true, api_error_status: status, result: message, usage: { input_tokens: 0, output_tokens: 0 }, ...extra });
  process.stderr.write(`${stderr}\n`);
  await sleep(20);
  process.exit(1);
}

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
    await errorResult(400, "API Error: 400 prompt is too long: 210000 tokens > 200000 maximum", "request refused");
    break;
  case "auth-failure":
    await errorResult(401, "Not logged in · Please run /login", "auth failed", { error: "authentication_failed", api_error_type: "authentication_error" });
    break;
  case "usage-limit": {
    const resetsAt = Math.floor(Date.now() / 1000) + 2 * 3600;
    const info = { status: "rejected", resetsAt, rateLimitType: "five_hour", isUsingOverage: false };
    emit({ type: "rate_limit_event", rate_limit_info: info, uuid: crypto.randomUUID(), session_id: session });
    await errorResult(429, "You've hit your 5-hour limit · resets 3pm (UTC)", "usage limit", { error: "rate_limit", api_error: "usage_limit_reached", api_error_params: { rate_limit_info: info } });
    break;
  }
  case "tool-call":
  case "tool-call-live":
    await toolCall(['{"path"', ':"a.ts"}']);
    break;
  case "tool-call-bad":
    await toolCall(['{"path": "a.ts', ", oops"]);
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
