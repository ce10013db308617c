import type { Subprocess } from "bun";

/**
 * A proxy running as its own process (the compiled executable, or `bun run src/index.ts`): started
 * with a command and an environment, ready once its "listening" log line names the port it got.
 */
export interface ProxyProcess {
  origin: string;
  child: Subprocess<"ignore", "ignore", "pipe">;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  exited: Promise<number>;
}

/** The proxy's "listening" log line, which names the origin it bound (PORT=0 picks a free port). */
export const LISTENING_LINE = /"message":"claude-proxy listening".*?"url":"(http:\/\/127\.0\.0\.1:\d+)\/v1"/;

export async function startProxyProcess(command: string[], options: { cwd: string; env: Record<string, string> }): Promise<ProxyProcess> {
  const child = Bun.spawn(command, { cwd: options.cwd, env: options.env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let text = "";
  const decoder = new TextDecoder();
  let resolveOrigin!: (origin: string) => void;
  const origin = new Promise<string>((resolve) => (resolveOrigin = resolve));
  let listened = false;
  void (async () => {
    for await (const chunk of child.stderr) {
      text += decoder.decode(chunk, { stream: true });
      // Only until the line is found: matching the whole text again on every chunk made the reader
      // (the soak's process, host of its mock upstream) spend ~45 ms per chunk once the log was 7 MB.
      if (listened) continue;
      const listening = LISTENING_LINE.exec(text);
      if (listening) {
        listened = true;
        resolveOrigin(listening[1]!);
      }
    }
  })();
  const exited = child.exited;
  const started = await Promise.race([origin, exited.then((code) => Promise.reject(new Error(`the proxy exited with ${code} before listening:\n${text}`)))]);
  return { origin: started, child, stderr: () => text, exited };
}
