/**
 * When each request reached the app (performance.now()), marked by the app's first middleware,
 * so a request's clock includes reading and validating its body, which happen before the door's
 * handler builds the pipeline context. A request never marked (a test calling a door directly)
 * starts its clock when asked.
 */
const arrivals = new WeakMap<Request, number>();

export function markArrival(request: Request): void {
  arrivals.set(request, performance.now());
}

export function arrivalTime(request: Request): number {
  return arrivals.get(request) ?? performance.now();
}
