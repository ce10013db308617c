import { describe, expect, test } from "bun:test";
import { abortWithSignal, stopAbortingWithSignal } from "../../src/pipeline/abort-fanout";

/**
 * One listener on the shutdown signal aborts every upstream call registered with it (abort-fanout.ts):
 * as a listener per call did, each with the signal's reason, in the order they were registered,
 * none that was taken off, and a call registered after the signal aborted is aborted at once.
 */
describe("abortWithSignal", () => {
  test("aborts the registered controllers with the signal's reason, in order, and not those taken off", () => {
    const shutdown = new AbortController();
    const order: number[] = [];
    const controllers = Array.from({ length: 5 }, (_, index) => {
      const controller = new AbortController();
      controller.signal.addEventListener("abort", () => order.push(index));
      abortWithSignal(shutdown.signal, controller);
      return controller;
    });
    stopAbortingWithSignal(shutdown.signal, controllers[1]!);
    const reason = new Error("shutting down");
    shutdown.abort(reason);
    expect(order).toEqual([0, 2, 3, 4]);
    expect(controllers.map((controller) => controller.signal.aborted)).toEqual([true, false, true, true, true]);
    expect(controllers[0]!.signal.reason).toBe(reason);
  });

  test("a controller registered after the signal aborted is aborted at once", () => {
    const shutdown = new AbortController();
    shutdown.abort("gone");
    const controller = new AbortController();
    abortWithSignal(shutdown.signal, controller);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe("gone");
  });

  test("each signal aborts only its own controllers", () => {
    const first = new AbortController();
    const second = new AbortController();
    const a = new AbortController();
    const b = new AbortController();
    abortWithSignal(first.signal, a);
    abortWithSignal(second.signal, b);
    first.abort();
    expect([a.signal.aborted, b.signal.aborted]).toEqual([true, false]);
  });
});
