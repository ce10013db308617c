/** @jsxImportSource hono/jsx */
import { formatCount } from "./format";

/**
 * Requests of models without a price (not in the catalog) that a budget covered: recorded as $0
 * and counted by no budget. Listed so the spend above is not read as the whole story.
 */
export interface UnpricedRequestsProps {
  models: Array<{ model: string; requests: number }>;
  otherRequests: number;
  note: string;
}

export function UnpricedRequests(props: UnpricedRequestsProps) {
  if (props.models.length === 0) return null;
  return (
    <section class="panel" id="unpriced-requests" aria-labelledby="unpriced-requests-title">
      <h2 id="unpriced-requests-title">Not counted: models without a price</h2>
      <p>{props.note}</p>
      <ul class="compact">
        {props.models.map((entry) => (
          <li>
            <code>{entry.model}</code> · {formatCount(entry.requests)} {entry.requests === 1 ? "request" : "requests"}
          </li>
        ))}
        {props.otherRequests > 0 ? <li class="muted">{formatCount(props.otherRequests)} more of other models</li> : null}
      </ul>
      <p class="muted">Since this instance started.</p>
    </section>
  );
}
