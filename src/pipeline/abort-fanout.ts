/**
 * Aborts a set of controllers when one long-lived signal aborts (the proxy's shutdown), through one
 * listener on that signal instead of one per request: adding and removing a listener costs about
 * a microsecond each (the signal walks its list of listeners), a Set's add and delete far less.
 * Controllers are aborted in the order they were added, as the listeners were called.
 */
const fanouts = new WeakMap<AbortSignal, Set<AbortController>>();

/** Aborts `controller` with `signal`'s reason when `signal` aborts, or at once if it has. */
export function abortWithSignal(signal: AbortSignal, controller: AbortController): void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return;
  }
  let controllers = fanouts.get(signal);
  if (!controllers) {
    const registered = new Set<AbortController>();
    controllers = registered;
    fanouts.set(signal, registered);
    signal.addEventListener(
      "abort",
      () => {
        for (const each of registered) each.abort(signal.reason);
        registered.clear();
      },
      { once: true },
    );
  }
  controllers.add(controller);
}

/** Undoes abortWithSignal: `controller` no longer aborts with `signal`. */
export function stopAbortingWithSignal(signal: AbortSignal, controller: AbortController): void {
  fanouts.get(signal)?.delete(controller);
}
