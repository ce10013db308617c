import { drainSource } from "./drain-source";
import type { SyncTransformer } from "./sync-stage";
import { StageController } from "./stage-controller";

/**
 * One source read through a list of synchronous stages, driven by one pull loop. What used to be
 * a pulled ReadableStream per stage (provider decoding, dispatch's watch, the observer, the door's
 * encoder: four reads, four pulls and their promises per chunk) is one: a chunk read from the
 * source runs through every stage in the same call and lands in the one ReadableStream a reader
 * sees. Stages are added as the request goes through the layers (pull-chain.ts says how a layer's
 * ReadableStream is taken over by the next); each is started when added, and what the chain already
 * holds (a first chunk read ahead, a heartbeat, an ending) runs through the new stage at once.
 *
 * Contract per stage, the one a TransformStream gives: `enqueue` hands a chunk to the next stage;
 * `terminate` cancels the stages before and the source, flushes the stages after and closes the
 * end; `error` (or a throw) cancels the stages before and the source, and passes the failure on:
 * each later stage with a `fail` hook handles it (the stream observer turns it into an error
 * chunk), one without is cancelled, and an unhandled failure errors the end.
 */
/** What a read gives: a chunk, or the end. */
export type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>["read"]>>;

export interface ChainSource<S> {
  read(): Promise<ReadResult<S>>;
  cancel(reason?: unknown): Promise<void>;
}

type Ending = { kind: "close" } | { kind: "error"; reason: unknown } | { kind: "cancelled" };

const settled = Promise.resolve();

const LIVE = 0;
const FLUSHING = 1;
const DONE = 2;

export class StageChain<T> {
  private readonly stages: SyncTransformer<unknown, unknown>[] = [];
  private readonly controllers: TransformStreamDefaultController<unknown>[] = [];
  private readonly states: number[] = [];
  /** Stages that want to know when a reader waits (watch-stream.ts's idle timer). */
  private readonly waiters: SyncTransformer<unknown, unknown>[] = [];
  /** What reached the end before a reader was attached. */
  private queue: unknown[] = [];
  private ending: Ending | undefined;
  private output: ReadableStreamDefaultController<T> | undefined;
  private produced = 0;
  /** `produced` when the current pull started: it is over once something more was produced. */
  private pullFrom = 0;
  private sourceDone = false;
  private sourceCancelled: Promise<void> | undefined;
  /** A read-ahead's pull that outlived its wait (pull-chain.ts's readAheadPast): the reader's pull joins it. */
  private adopted: Promise<void> | undefined;
  /** The ReadableStream that currently stands for this chain (pull-chain.ts). */
  current: ReadableStream<T> | undefined;

  constructor(private readonly source: ChainSource<unknown>) {}

  get attached(): boolean {
    return this.output !== undefined;
  }

  /** Appends `stage`; what the chain holds (chunks and its ending) goes through it now. */
  add<U>(stage: SyncTransformer<T, U>): StageChain<U> {
    const index = this.stages.length;
    const held = this.queue;
    const heldEnding = this.ending;
    this.queue = [];
    this.ending = undefined;
    this.stages.push(stage as SyncTransformer<unknown, unknown>);
    this.controllers.push(new StageController(this, index));
    this.states.push(LIVE);
    if (stage.pulling) this.waiters.push(stage as SyncTransformer<unknown, unknown>);
    const chain = this as unknown as StageChain<U>;
    try {
      stage.start?.(this.controllers[index] as TransformStreamDefaultController<unknown> as TransformStreamDefaultController<U>);
    } catch (error) {
      this.errorAt(index, error);
    }
    for (const item of held) {
      if (this.states[index] !== LIVE) break;
      this.emit(index - 1, item);
    }
    if (heldEnding && this.states[index] === LIVE) {
      if (heldEnding.kind === "close") this.flushFrom(index);
      else if (heldEnding.kind === "error") this.failFrom(index, heldEnding.reason);
    }
    if (heldEnding?.kind === "cancelled") this.cancel(undefined);
    return chain;
  }

  /** The chain's first chunk without taking it (it stays first), or its ending; rejects if it failed. */
  async peek(): Promise<ReadResult<T>> {
    if (this.queue.length === 0 && !this.ending) await this.pull();
    if (this.queue.length > 0) return { done: false, value: this.queue[0] as T };
    if (this.ending?.kind === "error") throw this.ending.reason;
    return { done: true, value: undefined };
  }

  /**
   * What a read of the held chunk at `index` gives now (nothing is read): that chunk, else the
   * chain's end, or undefined while it is still to come; throws if the chain failed.
   */
  heldAt(index: number): ReadResult<T> | undefined {
    if (index < this.queue.length) return { done: false, value: this.queue[index] as T };
    if (this.ending?.kind === "error") throw this.ending.reason;
    return this.ending ? { done: true, value: undefined } : undefined;
  }

  /** `pull` (a pull of this chain still reading) is the one the next pull waits for, rather than reading beside it. */
  adopt(pull: Promise<void>): void {
    this.adopted = pull;
  }

  /** From now on chunks go straight to `output`; returns whether it already has something. */
  attach(output: ReadableStreamDefaultController<T>): boolean {
    this.output = output;
    const held = this.queue;
    this.queue = [];
    for (const item of held) output.enqueue(item as T);
    if (this.ending) this.deliverEnding(this.ending);
    return held.length > 0 || this.ending !== undefined;
  }

  /**
   * Reads the source until something reached the end, or the chain ended. One `then` per read with
   * handlers made once per chain, not an async function per pull and another per read: those kept
   * two suspended frames and their promises per chunk, ~250 bytes of heap a chunk that during 64
   * streams only the collector takes back (bench/stream-chunk-allocation.ts).
   */
  pull(): Promise<void> {
    for (const waiter of this.waiters) waiter.pulling!(true);
    // Still reading for a read-ahead: that read, once over, has produced something or ended the chain.
    if (this.adopted) return this.adopted;
    this.pullFrom = this.produced;
    return this.readOn() ?? settled;
  }

  /** The reader went away: every stage still running is cancelled, then the source. */
  cancel(reason: unknown): Promise<void> {
    this.ending ??= { kind: "cancelled" };
    for (let index = this.stages.length - 1; index >= 0; index--) this.cancelStage(index, reason);
    return this.cancelSource(reason);
  }

  /** The next read of the current pull, or undefined once it is over (waiters told). */
  private readOn(): Promise<void> | undefined {
    if (this.ending || this.sourceDone || this.produced !== this.pullFrom) {
      this.stopWaiting();
      return undefined;
    }
    let read: Promise<ReadResult<unknown>>;
    try {
      read = this.source.read();
    } catch (error) {
      read = Promise.reject(error);
    }
    return read.then(this.onRead, this.onReadError);
  }

  private readonly onRead = (result: ReadResult<unknown>): Promise<void> | undefined => {
    try {
      if (this.sourceDone) return this.readOn();
      if (result.done) {
        this.sourceDone = true;
        this.flushFrom(0);
      } else {
        this.emit(-1, result.value);
      }
    } catch (error) {
      this.stopWaiting();
      throw error;
    }
    return this.readOn();
  };

  private readonly onReadError = (error: unknown): Promise<void> | undefined => {
    if (!this.sourceDone) {
      this.sourceDone = true;
      try {
        this.failFrom(0, error);
      } catch (thrown) {
        this.stopWaiting();
        throw thrown;
      }
    }
    return this.readOn();
  };

  /** The current pull is over. */
  private stopWaiting(): void {
    this.adopted = undefined;
    for (const waiter of this.waiters) waiter.pulling!(false);
  }

  /** A chunk out of stage `from` (-1: the source) into the next stage, or to the end. */
  private emit(from: number, item: unknown): void {
    const next = from + 1;
    if (next === this.stages.length) {
      this.produced++;
      if (this.output) this.output.enqueue(item as T);
      else this.queue.push(item);
      return;
    }
    const stage = this.stages[next]!;
    if (!stage.transform) return this.emit(next, item);
    try {
      stage.transform(item, this.controllers[next]!);
    } catch (error) {
      this.errorAt(next, error);
    }
  }

  /** The end's desired size (what a stage's controller reports). */
  get desiredSize(): number {
    return this.output?.desiredSize ?? 0;
  }

  /** Stage `index` enqueued `item` (its controller's enqueue). */
  enqueueFrom(index: number, item: unknown): void {
    if (this.states[index] === DONE) throw new TypeError("The stream is closed.");
    this.emit(index, item);
  }

  /** Stage `index` terminated the stream (its controller's terminate, or a handled failure). */
  terminateAt(index: number): void {
    // Terminating again, or while being flushed, changes nothing.
    if (this.states[index] !== LIVE) return;
    this.states[index] = DONE;
    const drain = index === 0 && this.stages[0]!.endsWithSource === true;
    if (!drain) this.cancelBefore(index, undefined);
    this.flushFrom(index + 1);
    // The reader's end first; what is left of the source after it, once the reader's side has
    // taken the end (its read settled when the end was delivered, so its reaction runs first).
    if (drain) queueMicrotask(() => this.drainSource());
  }

  /** Stage `index` failed (its controller's error, or a throw). */
  errorAt(index: number, reason: unknown): void {
    if (this.states[index] === DONE) return;
    this.states[index] = DONE;
    this.cancelBefore(index, reason);
    this.failFrom(index + 1, reason);
  }

  /** Stages from `start` on are flushed in order, then the end closes. */
  private flushFrom(start: number): void {
    for (let index = start; index < this.stages.length; index++) {
      if (this.states[index] !== LIVE) continue;
      this.states[index] = FLUSHING;
      try {
        this.stages[index]!.flush?.(this.controllers[index]!);
      } catch (error) {
        this.errorAt(index, error);
        return;
      }
      if (this.states[index] === DONE) return;
      this.states[index] = DONE;
    }
    this.end({ kind: "close" });
  }

  /** A failure before `start`: the first stage from there that handles it ends the chain its own way. */
  private failFrom(start: number, reason: unknown): void {
    for (let index = start; index < this.stages.length; index++) {
      if (this.states[index] !== LIVE) continue;
      const stage = this.stages[index]!;
      if (stage.fail) {
        try {
          stage.fail(reason, this.controllers[index]!);
        } catch (error) {
          this.errorAt(index, error);
          return;
        }
        this.terminateAt(index);
        return;
      }
      this.cancelStage(index, reason);
    }
    this.end({ kind: "error", reason });
  }

  private cancelBefore(index: number, reason: unknown): void {
    for (let before = index - 1; before >= 0; before--) this.cancelStage(before, reason);
    this.cancelSource(reason);
  }

  private cancelStage(index: number, reason: unknown): void {
    if (this.states[index] === DONE) return;
    this.states[index] = DONE;
    try {
      this.stages[index]!.cancel?.(reason);
    } catch {
      // A stage's own clean-up failing does not change how the chain ended.
    }
  }

  /** The first stage read the source's end marker: the rest is read to its end, not cancelled (drain-source.ts). */
  private drainSource(): void {
    if (this.sourceDone) return;
    this.sourceDone = true;
    drainSource(
      this.source,
      () => this.sourceCancelled !== undefined,
      () => void this.cancelSource(undefined),
    );
  }

  private cancelSource(reason: unknown): Promise<void> {
    this.sourceDone = true;
    this.sourceCancelled ??= this.source.cancel(reason).catch(() => {});
    return this.sourceCancelled;
  }

  private end(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    if (this.output) this.deliverEnding(ending);
  }

  private deliverEnding(ending: Ending): void {
    const output = this.output!;
    try {
      if (ending.kind === "close") output.close();
      else if (ending.kind === "error") output.error(ending.reason);
    } catch {
      // The reader's side is already closed or cancelled.
    }
  }
}
