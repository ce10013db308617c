import type { Subprocess } from "bun";
import { ProxyError } from "../../errors";
import { redactSecrets } from "../../logger";

/**
 * One spawned `claude` process. It runs in its own process group (`detached`: setsid), so killing
 * the group also ends anything the CLI started. Its stderr is drained continuously (a full pipe
 * would block the child) and its tail kept for error messages. Every live process is known to a
 * process-wide set so that even an exit that skips `close()` takes no child with it.
 */
export interface CliProcessOptions {
  path: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Runs once the process has exited (cleanup of per-run files). */
  onExit?: () => void;
}

const stderrTailChars = 2000;
const killGraceMs = 1000;

// Process-wide on purpose: the `exit` hook must reach children of every provider instance.
const live = new Set<CliProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) signalGroup(child.pid, "SIGKILL");
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

export class CliProcess {
  readonly pid: number;
  /** Resolves when the CLI has exited and its group has been killed. */
  readonly exited: Promise<void>;
  private readonly child: Subprocess<"pipe", "pipe", "pipe">;
  private stderrText = "";
  private killing: Promise<void> | undefined;

  constructor(options: CliProcessOptions) {
    try {
      this.child = Bun.spawn([options.path, ...options.args], {
        cwd: options.cwd,
        env: options.env,
        stdin: "pipe",
        stdout: "pipe",
        stderr: "pipe",
        detached: true,
      });
    } catch (error) {
      throw new ProxyError(502, `Could not start the Claude CLI (${options.path}): ${error instanceof Error ? error.message : String(error)}`, {
        type: "upstream_error",
        code: "claude_cli_spawn_failed",
        retryable: true,
        cause: error,
      });
    }
    this.pid = this.child.pid;
    installExitHook();
    live.add(this);
    const drained = this.drainStderr();
    this.exited = this.child.exited.then(async () => {
      // The leader is gone; anything it left in its group goes with it.
      signalGroup(this.pid, "SIGKILL");
      // Read the rest of stderr, unless something outside the group still holds the pipe open.
      await Promise.race([drained, Bun.sleep(killGraceMs)]);
      live.delete(this);
      options.onExit?.();
    });
  }

  get stdout(): ReadableStream<Uint8Array> {
    return this.child.stdout;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && !this.killing;
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get signalCode(): string | null {
    const signal = this.child.signalCode;
    return signal === null ? null : String(signal);
  }

  /** Writes `text` to stdin; `end` closes it. A child that already died makes this a no-op: its exit is reported elsewhere. */
  async write(text: string, end: boolean): Promise<void> {
    try {
      this.child.stdin.write(text);
      if (end) await this.child.stdin.end();
      else await this.child.stdin.flush();
    } catch {
      // EPIPE: the child exited early; the exit code and stderr tell why.
    }
  }

  /** Closes stdin: a CLI reading stream-json exits once its last turn is answered. */
  async closeStdin(): Promise<void> {
    try {
      await this.child.stdin.end();
    } catch {
      // Already closed, or the child is gone.
    }
  }

  /** The last part of what the CLI wrote to stderr, secrets redacted, on one line. */
  stderrTail(): string {
    return redactSecrets(this.stderrText.slice(-stderrTailChars)).replace(/\s+/g, " ").trim();
  }

  /** SIGTERM to the group, SIGKILL after a grace period; resolves once the CLI is gone. Safe to call twice. */
  kill(): Promise<void> {
    this.killing ??= (async () => {
      signalGroup(this.pid, "SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, killGraceMs);
      });
      await Promise.race([this.exited, grace]);
      clearTimeout(timer);
      signalGroup(this.pid, "SIGKILL");
      await this.exited;
    })();
    return this.killing;
  }

  private async drainStderr(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const bytes of this.child.stderr) {
        this.stderrText = (this.stderrText + decoder.decode(bytes, { stream: true })).slice(-stderrTailChars * 2);
      }
    } catch {
      // The pipe closed with the process.
    }
  }
}
