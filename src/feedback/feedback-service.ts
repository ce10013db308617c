import { modelKey } from "../catalog/model-key";
import { OldestKeys } from "../cache/oldest-keys";
import type { ResponseCache } from "../cache/response-cache";
import type { Database } from "../db/client";
import { type TierOutcome, findLatestTaskForSession, findRequestLog, insertFeedback, loadTierOutcomes } from "../db/queries";
import type { RequestLogWriter } from "../db/request-log-writer";
import type { SuccessRates } from "../routing/success-rates";
import { redactSecrets } from "../security/redactor";

/**
 * Records ratings and feeds them into the router's success rates. Knows the latest answered task
 * of each conversation (in memory for recent ones, from the database otherwise), and reports per
 * tier how often it served and how often its answers were rated bad.
 */
export interface FeedbackTarget {
  taskId: string;
  provider: string;
  model: string;
}

/**
 * The request a conversation's user saw last, whatever its outcome: an answer (status 200) to rate,
 * or a failure, which has none. Provider and model are missing when it failed before one was chosen.
 */
export interface LatestTask {
  taskId: string;
  status: number;
  errorType: string | null;
  provider: string | null;
  model: string | null;
}

/**
 * `not_found`: no such answered task; `not_answered`: the task failed, so there is no answer to rate.
 * `comment` is the comment as stored: redacted, so a key pasted into it is kept nowhere.
 */
export type FeedbackResult = { ok: true; target: FeedbackTarget; comment: string | null } | { ok: false; why: "not_found" | "not_answered"; reason: string };

const REMEMBERED_SESSIONS = 10_000;

export class FeedbackService {
  private readonly latestBySession = new Map<string, LatestTask>();
  /** Past the bound every request drops one session: from a kept iterator (cache/oldest-keys.ts says why). */
  private readonly oldestSessions = new OldestKeys(this.latestBySession);

  constructor(
    private readonly db: Database,
    private readonly logWriter: Pick<RequestLogWriter, "flush">,
    private readonly successRates: SuccessRates,
    /** The response cache, when on: a bad rating evicts the rated answer, so the same request is not served it again. */
    private readonly cache?: Pick<ResponseCache, "evict">,
    /** The proxy's redactor: a person may paste a key into a comment, which the dashboard shows. */
    private readonly redact: (text: string) => string = redactSecrets,
  ) {}

  /** Every finished request but the proxy's own replies (a rating's): a failed one too, so a rating after it is not taken for the answer before. */
  rememberTask(sessionKey: string, task: LatestTask): void {
    this.latestBySession.delete(sessionKey);
    this.latestBySession.set(sessionKey, task);
    if (this.latestBySession.size > REMEMBERED_SESSIONS) this.latestBySession.delete(this.oldestSessions.next()!);
  }

  async latestTask(sessionKey: string): Promise<LatestTask | undefined> {
    const remembered = this.latestBySession.get(sessionKey);
    if (remembered) return remembered;
    const row = await findLatestTaskForSession(this.db, sessionKey);
    return row && { taskId: row.taskId, status: row.status, errorType: row.errorType, provider: row.provider, model: row.model };
  }

  async submit(taskId: string, rating: 1 | -1, comment: string | null, source: "chat" | "api"): Promise<FeedbackResult> {
    // The task's own row may still be in the write buffer.
    await this.logWriter.flush();
    const row = await findRequestLog(this.db, taskId);
    if (!row) return { ok: false, why: "not_found", reason: `No answered request with task id ${taskId} is known to this proxy.` };
    // A "good" rating would count a failure as a success in the router's rates. A request refused
    // before any model was asked (a bad body, an unknown model, a spent budget) has no provider.
    if (row.status !== 200) {
      const error = row.errorType ? `, ${row.errorType}` : "";
      return { ok: false, why: "not_answered", reason: `Task ${taskId} got no answer (status ${row.status}${error}), so there is nothing to rate.` };
    }
    if (!row.provider || !row.model || row.provider === "proxy") {
      return { ok: false, why: "not_found", reason: `No answered request with task id ${taskId} is known to this proxy.` };
    }
    const stored = comment === null ? null : this.redact(comment);
    await insertFeedback(this.db, { id: crypto.randomUUID(), taskId, createdAt: new Date(), rating, comment: stored, source });
    if (rating < 0 && row.cacheKey) await this.cache?.evict(row.cacheKey);
    // Only an answered task gets here: it was logged as a success.
    if (row.category) this.successRates.applyFeedback(taskId, rating, { category: row.category, modelKey: modelKey(row.provider, row.model), success: true });
    return { ok: true, target: { taskId, provider: row.provider, model: row.model }, comment: stored };
  }

  /** Per tier since a date: requests served, chosen by `auto`, rated, rated bad (the log is flushed first). */
  async tierOutcomes(since: Date): Promise<TierOutcome[]> {
    await this.logWriter.flush();
    return loadTierOutcomes(this.db, since);
  }
}
