/** @jsxImportSource hono/jsx */
/** Small pieces of the request views: the status badge and a client's short name. */

export function statusClass(status: number): "ok" | "failed" | "rejected" {
  if (status === 200) return "ok";
  if (status >= 500 || status === 429) return "failed";
  return "rejected";
}

const statusWords: Record<number, string> = { 200: "ok", 400: "bad request", 401: "unauthorized", 404: "not found", 413: "too large", 429: "rate limited", 499: "client left", 500: "error", 502: "bad gateway", 503: "unavailable", 504: "timeout" };

export function StatusBadge(props: { status: number }) {
  const kind = statusClass(props.status);
  return (
    <span class={`badge badge-${kind}`}>
      {props.status} {statusWords[props.status] ?? kind}
    </span>
  );
}

/** "claude-cli/2.1.197 (external, cli)" → "claude-cli/2.1.197"; the full string goes in a title. */
export function shortClient(userAgent: string | null): string {
  if (!userAgent) return "unknown";
  const first = userAgent.split(/\s+/)[0] ?? userAgent;
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}
