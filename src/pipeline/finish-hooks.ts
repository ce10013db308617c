import type { Logger } from "../logger";
import type { Outcome } from "./outcome";

/**
 * Work a stage leaves for when the answer is known: store it in the cache, settle a budget
 * reservation, count a mid-stream failure against a model. The runner calls every hook exactly
 * once per request, after the outcome is recorded, on success, error and client abort alike.
 */
export type FinishHook = (outcome: Outcome) => void | Promise<void>;

export interface FinishHookOptions {
  /**
   * The hook needs the whole answer (`outcome.answer`). A completion always carries it; a stream's
   * chunks are kept and assembled only when some hook asks for this.
   */
  needsAnswer?: boolean;
}

export class FinishHooks {
  private hooks: FinishHook[] = [];
  private answerWanted = false;

  add(hook: FinishHook, options: FinishHookOptions = {}): void {
    this.hooks.push(hook);
    if (options.needsAnswer) this.answerWanted = true;
  }

  get needsAnswer(): boolean {
    return this.answerWanted;
  }

  get size(): number {
    return this.hooks.length;
  }

  /**
   * Calls each hook once, in the order they were added. A hook that throws or rejects is logged
   * and the others still run: finishing work never breaks the request or its log row.
   */
  run(outcome: Outcome, logger: Logger, taskId: string): void {
    const hooks = this.hooks;
    this.hooks = [];
    const report = (error: unknown) => logger.error("finish hook failed", { taskId, error: String(error) });
    for (const hook of hooks) {
      try {
        const result = hook(outcome);
        if (result instanceof Promise) result.catch(report);
      } catch (error) {
        report(error);
      }
    }
  }
}
