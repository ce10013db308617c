import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/client";
import { silentLogger } from "../src/logger";
import { serveOptions } from "../src/serve-options";
import { buildProxy } from "../src/server";
import { bodyInit, doorCorpora } from "../tests/helpers/malformed-corpus";
import { startMockOpenAIUpstream } from "../tests/helpers/mock-openai-upstream";

/**
 * Every malformed request of the corpus and the proxy's answer to it (status, content type, body),
 * one JSON line each on stdout, in the corpus's order: run it on two commits and `diff` the output
 * to see that a change to how the proxy refuses requests left every answer as it was.
 *
 *   bun run bench/corpus-answers.ts > answers.jsonl
 */
const maxBodyBytes = 2 * 1024 * 1024;
const upstream = startMockOpenAIUpstream();
const config = loadConfig({ OPENAI_API_KEY: "sk-bench-upstream-key-1234567890", OPENAI_BASE_URL: upstream.url, MAX_BODY_BYTES: String(maxBodyBytes), OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false" });
const proxy = await buildProxy(config, silentLogger, { database: await openDatabase({ dataDir: "memory://" }) });
const app = createApp({ pipeline: proxy.pipeline, maxBodyBytes, database: proxy.database.kind });
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, ...serveOptions() });
for (const door of doorCorpora) {
  for (const request of door.generate({ maxBodyBytes })) {
    const response = await fetch(`http://127.0.0.1:${server.port}${request.path}`, { method: request.method, headers: request.headers, body: bodyInit(request), duplex: "half" } as RequestInit);
    const body = await response.text();
    console.log(JSON.stringify({ door: door.door, name: request.name.slice(0, 200), status: response.status, type: response.headers.get("content-type"), allow: response.headers.get("allow"), body }));
  }
}
await server.stop(true);
await proxy.close();
await upstream.close();
process.exit(0);
