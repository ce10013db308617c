import { OldestKeys } from "../cache/oldest-keys";

/**
 * Success rates per (task category, model), from request outcomes and user feedback. The router
 * skips a model whose rate in the request's category is under SUCCESS_THRESHOLD once it has
 * SUCCESS_MIN_SAMPLES samples, so that category escalates to the next tier. Each task is one
 * sample; feedback on a task overrides its outcome (a "bad" rating turns a success into a failure).
 */
export interface RateSample {
  category: string;
  modelKey: string;
  successes: number;
  total: number;
}

interface TaskOutcome {
  category: string;
  modelKey: string;
  success: boolean;
}

/** Rated tasks remembered, so that a second rating of a task counts from the first one's outcome. */
const REMEMBERED_RATINGS = 20_000;

export class SuccessRates {
  private readonly stats = new Map<string, { successes: number; total: number }>();
  /** Only the rated tasks: every other task's outcome is in its request-log row, which feedback reads anyway. */
  private readonly rated = new Map<string, TaskOutcome>();
  private readonly oldestRated = new OldestKeys(this.rated);

  constructor(initial: RateSample[] = []) {
    for (const sample of initial) this.stats.set(statKey(sample.category, sample.modelKey), { successes: sample.successes, total: sample.total });
  }

  rate(category: string, modelKey: string): { rate: number; samples: number } {
    const stat = this.stats.get(statKey(category, modelKey));
    return stat && stat.total > 0 ? { rate: stat.successes / stat.total, samples: stat.total } : { rate: 1, samples: 0 };
  }

  recordOutcome(category: string, modelKey: string, success: boolean): void {
    const stat = this.stat(category, modelKey);
    stat.total++;
    if (success) stat.successes++;
  }

  /**
   * Applies a rating to a task's sample. `logged` is the task as its request-log row describes it;
   * a task rated before counts from its last rating instead, so "bad" twice flips it once.
   */
  applyFeedback(taskId: string, rating: 1 | -1, logged: TaskOutcome): void {
    const task = this.rated.get(taskId) ?? logged;
    const stat = this.stat(task.category, task.modelKey);
    const nowSuccess = rating > 0;
    if (task.success !== nowSuccess) stat.successes = Math.min(stat.total, Math.max(0, stat.successes + (nowSuccess ? 1 : -1)));
    this.rated.delete(taskId);
    this.rated.set(taskId, { ...task, success: nowSuccess });
    if (this.rated.size > REMEMBERED_RATINGS) this.rated.delete(this.oldestRated.next()!);
  }

  snapshot(): RateSample[] {
    return [...this.stats.entries()].map(([key, stat]) => {
      const [category, modelKey] = key.split("|") as [string, string];
      return { category, modelKey, ...stat };
    });
  }

  private stat(category: string, modelKey: string) {
    const key = statKey(category, modelKey);
    let stat = this.stats.get(key);
    if (!stat) {
      stat = { successes: 0, total: 0 };
      this.stats.set(key, stat);
    }
    return stat;
  }
}

const statKey = (category: string, modelKey: string) => `${category}|${modelKey}`;
