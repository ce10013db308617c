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
  const output = captureOutput(child.stderr);
  const exited = child.exited;
  const started = await Promise.race([output.origin, exited.then((code) => Promise.reject(new Error(`the proxy exited with ${code} before listening:\n${output.text()}`)))]);
  return { origin: started, child, stderr: output.text, exited };
}

/**
 * Everything a stream of output carried so far, and the origin its "listening" line names. The line
 * is looked for only until found: matching the whole text again on every chunk made the reader
 * (the soak's own process, host of its mock upstream) spend ~45 ms per chunk once the proxy's log
 * had reached 7 MB, and the mock's answers waited behind it.
 */
export function captureOutput(chunks: AsyncIterable<Uint8Array>): { text(): string; origin: Promise<string> } {
  let text = "";
  const decoder = new TextDecoder();
  let resolveOrigin!: (origin: string) => void;
  const origin = new Promise<string>((resolve) => (resolveOrigin = resolve));
  let listened = false;
  void (async () => {
    for await (const chunk of chunks) {
      text += decoder.decode(chunk, { stream: true });
      if (listened) continue;
      const listening = LISTENING_LINE.exec(text);
      if (listening) {
        listened = true;
        resolveOrigin(listening[1]!);
      }
    }
  })();
  return { text: () => text, origin };
}
