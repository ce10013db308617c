/** A mock upstream's "never answers" reply: settles only when the caller aborts the request. */
export function hangUntilAborted(signal: AbortSignal, onAbort: () => void): Promise<Response> {
  return new Promise<Response>((resolve) => {
    signal.addEventListener("abort", () => {
      onAbort();
      resolve(new Response(null, { status: 499 }));
    });
  });
}
