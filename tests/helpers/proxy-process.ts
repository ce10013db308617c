/**
 * The real entry point (`bun run src/index.ts`) as a child process, as a user starts it: its own
 * environment (nothing inherited but PATH), its own data dir, stderr captured. Resolves once the
 * "listening" line names the port it got.
 */
const entry = new URL("../../src/index.ts", import.meta.url).pathname;

export interface ProxyProcess {
  origin: string;
  child: ReturnType<typeof Bun.spawn>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  exited: Promise<number>;
}

export async function startProxyProcess(options: { cwd: string; env: Record<string, string> }): Promise<ProxyProcess> {
  const child = Bun.spawn([process.execPath, "run", entry], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: options.cwd,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      OLLAMA_ENABLED: "false",
      CLAUDE_CLI_ENABLED: "false",
      ...options.env,
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let text = "";
  const decoder = new TextDecoder();
  const reader = (child.stderr as ReadableStream<Uint8Array>).getReader();
  let resolveOrigin!: (origin: string) => void;
  const origin = new Promise<string>((resolve) => (resolveOrigin = resolve));
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
      const listening = /"message":"claude-proxy listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)\/v1"/.exec(text);
      if (listening) resolveOrigin(listening[1]!);
    }
  })();
  const exited = child.exited;
  const started = await Promise.race([origin, exited.then((code) => Promise.reject(new Error(`the proxy exited with ${code} before listening:\n${text}`)))]);
  return { origin: started, child, stderr: () => text, exited };
}
