/** What a stage's controller asks of its chain (stage-chain.ts). */
export interface ControlledChain {
  readonly desiredSize: number;
  enqueueFrom(index: number, item: unknown): void;
  errorAt(index: number, reason: unknown): void;
  terminateAt(index: number): void;
}

/**
 * What stage `index` sees of its chain: a TransformStream's controller. A class rather than an
 * object of closures: an open stream keeps one of these per stage for as long as it is open, and
 * its methods live once on the prototype instead of four functions and a scope per stage.
 */
export class StageController implements TransformStreamDefaultController<unknown> {
  constructor(
    private readonly chain: ControlledChain,
    private readonly index: number,
  ) {}

  get desiredSize(): number {
    return this.chain.desiredSize;
  }

  enqueue(item: unknown): void {
    this.chain.enqueueFrom(this.index, item);
  }

  error(reason?: unknown): void {
    this.chain.errorAt(this.index, reason);
  }

  terminate(): void {
    this.chain.terminateAt(this.index);
  }
}
