import { LISTENING_LINE } from "./command-process";

/**
 * The real entry point (`bun run src/index.ts`, what `bun run start` runs) as a child process, for
 * tests about what only a real process shows: start-up failures, signals, a crash.
 */
const entry = new URL("../../src/index.ts", import.meta.url).pathname;

export interface ProxyProcess {
  child: ReturnType<typeof Bun.spawn>;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  exited: Promise<number>;
}

export interface RunningProxyProcess extends ProxyProcess {
  origin: string;
}

/** Starts the entry point with only the given environment (plus PATH and HOME = cwd). */
export function spawnProxy(cwd: string, env: Record<string, string>): ProxyProcess {
  const child = Bun.spawn([process.execPath, "run", entry], {
    cwd,
    // No response cache: tests send the same request again and expect it to reach the upstream.
    env: { PATH: process.env.PATH ?? "", HOME: cwd, PORT: "0", HOST: "127.0.0.1", OLLAMA_ENABLED: "false", CLAUDE_CLI_ENABLED: "false", CACHE_ENABLED: "false", ...env },
    stdout: "ignore",
    stderr: "pipe",
  });
  let text = "";
  const decoder = new TextDecoder();
  const reader = (child.stderr as ReadableStream<Uint8Array>).getReader();
  const drained = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  // `exited` resolves once stderr is read to its end, so a test sees the last line.
  const exited = child.exited.then(async (code) => {
    await drained;
    return code;
  });
  return { child, stderr: () => text, exited };
}

/** Starts the proxy and waits for its "listening" line, which carries the port it got. */
export async function startProxyProcess(cwd: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningProxyProcess> {
  const started = spawnProxy(cwd, env);
  const deadline = performance.now() + timeoutMs;
  let exitCode: number | undefined;
  void started.exited.then((code) => (exitCode = code));
  for (;;) {
    const listening = LISTENING_LINE.exec(started.stderr());
    if (listening) return { ...started, origin: listening[1]! };
    if (exitCode !== undefined) throw new Error(`the proxy exited with ${exitCode} before listening:\n${started.stderr()}`);
    if (performance.now() > deadline) {
      started.child.kill("SIGKILL");
      throw new Error(`the proxy did not listen within ${timeoutMs} ms:\n${started.stderr()}`);
    }
    await Bun.sleep(10);
  }
}
