import type { CliProcess } from "./cli-process";

/**
 * Pre-started CLI processes, `size` per model, each waiting on stdin (`--input-format stream-json`)
 * so a request skips the CLI's start-up. A process serves one request and is then discarded and
 * replaced. A model's pool fills after its first request (an idle process holds
 * ~150 MB, so models nobody asks for get none). A process that dies while idle is dropped, not
 * restarted, so a broken CLI cannot turn into a spawn loop. `close()` kills every idle process;
 * should the proxy die without it, an idle CLI sees its stdin close and exits by itself.
 */
export class CliProcessPool {
  private readonly idle = new Map<string, CliProcess[]>();
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly spawn: (model: string) => CliProcess,
  ) {}

  /**
   * A started process for `model`: a warm one when there is one, else a fresh one. Replacements
   * start once the taken process has exited: the CLI's start-up costs ~0.5 s of CPU, which would
   * otherwise compete with the request being answered.
   */
  take(model: string): CliProcess {
    const waiting = (this.idle.get(model) ?? []).filter((child) => child.running);
    const warm = waiting.shift();
    this.idle.set(model, waiting);
    const child = warm ?? this.spawn(model);
    void child.exited.then(() => this.refill(model));
    return child;
  }

  /** Idle processes per model (for tests and the health page). */
  idleCount(model: string): number {
    return (this.idle.get(model) ?? []).filter((child) => child.running).length;
  }

  idleProcesses(): CliProcess[] {
    return [...this.idle.values()].flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.idleProcesses();
    this.idle.clear();
    await Promise.all(all.map((child) => child.kill()));
  }

  private refill(model: string): void {
    const waiting = this.idle.get(model) ?? [];
    while (!this.closed && waiting.length < this.size) {
      let child: CliProcess;
      try {
        child = this.spawn(model);
      } catch {
        // The request itself will spawn (and report the failure); the pool just stays short.
        return;
      }
      waiting.push(child);
      void child.exited.then(() => {
        const list = this.idle.get(model);
        if (list) this.idle.set(model, list.filter((other) => other !== child));
      });
    }
    this.idle.set(model, waiting);
  }
}
