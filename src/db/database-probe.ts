import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { rootMessage } from "./driver-error";
import { withDeadline } from "./with-deadline";

/**
 * Whether the database answers, for /health: a `select 1` bounded by `timeoutMs`, at most one in
 * flight, its answer reused for `freshMs` (monitors polling /health never pile queries up on a
 * database that hangs). The state carries since when it holds, so /health can say "lost since".
 */
export interface DatabaseState {
  reachable: boolean;
  /** When the database was last seen to change state (start-up counts as reachable). */
  since: Date;
  /** The driver's message of the last failure, while it is lost. */
  error?: string;
}

export interface DatabaseProbeOptions {
  timeoutMs?: number;
  freshMs?: number;
  /** A driver's message may quote a connection string. */
  redact: (text: string) => string;
}

export class DatabaseProbe {
  private state: DatabaseState = { reachable: true, since: new Date() };
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<DatabaseState> | undefined;
  private readonly timeoutMs: number;
  private readonly freshMs: number;

  constructor(
    private readonly db: Database,
    private readonly options: DatabaseProbeOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.freshMs = options.freshMs ?? 1_000;
  }

  /** The database's state, checked now unless a check is under way or fresh. */
  check(): Promise<DatabaseState> {
    if (performance.now() - this.checkedAt < this.freshMs) return Promise.resolve(this.state);
    this.checking ??= this.query().finally(() => {
      this.checking = undefined;
      this.checkedAt = performance.now();
    });
    return this.checking;
  }

  private async query(): Promise<DatabaseState> {
    try {
      await withDeadline(this.db.execute(sql`select 1`), this.timeoutMs, () => new Error(`no answer within ${this.timeoutMs} ms`));
      if (!this.state.reachable) this.state = { reachable: true, since: new Date() };
    } catch (error) {
      const message = this.options.redact(rootMessage(error).split("\n")[0]!.slice(0, 300));
      this.state = { reachable: false, since: this.state.reachable ? new Date() : this.state.since, error: message };
    }
    return this.state;
  }
}
