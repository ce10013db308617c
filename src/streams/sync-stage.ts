/**
 * A stream stage as plain synchronous callbacks (the `Transformer` a TransformStream takes, minus
 * promises, plus `cancel`, which Bun calls when the readable side is cancelled or the writable side
 * aborted). Stages written this way can be fused: `fuseTransformers(a, b)` runs `b` on whatever
 * `a` enqueues, in the same call, so a chain of stages costs one TransformStream — one pipe hop
 * per chunk — instead of one each. Each stage stays its own small, separately tested function.
 */
export interface SyncTransformer<I, O> {
  start?(controller: TransformStreamDefaultController<O>): void;
  transform?(chunk: I, controller: TransformStreamDefaultController<O>): void;
  flush?(controller: TransformStreamDefaultController<O>): void;
  cancel?(reason: unknown): void;
  /**
   * Only in a pulled chain (pullThrough): what came before this stage failed. The stage may put
   * out a last chunk; the chain then terminates from here. Without it the failure passes on.
   */
  fail?(reason: unknown, controller: TransformStreamDefaultController<O>): void;
  /** Only in a pulled chain: a reader starts (true) or stops (false) waiting for the next chunk. */
  pulling?(active: boolean): void;
  /**
   * Only as a pulled chain's first stage: its `terminate` means it read the source's own end marker
   * (SSE's `data: [DONE]`), so the source is read to its end and not cancelled (stage-chain.ts).
   */
  readonly endsWithSource?: boolean;
}
