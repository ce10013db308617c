/** @jsxImportSource hono/jsx */
import type { RequestLogEntry } from "../../src/db/dashboard/requests-queries";
import { formatCount, formatDateTime, formatMs, formatPercent, formatUsd } from "../components/format";
import { StatusBadge } from "../components/request-bits";
import { type AssetUrls, Layout } from "../layout";

/**
 * One request: what was asked, how it was routed and why, what it cost and saved, how long it
 * took, and what the user said about it, with the response cache's verdict and what compression
 * removed (absent when that stage did not run for this request).
 */
export interface RequestFeedback {
  rating: number;
  comment: string | null;
  source: string;
  createdAt: Date;
}

export interface RequestDetailProps {
  assets: AssetUrls;
  row: RequestLogEntry;
  feedback: RequestFeedback[];
  cache?: { status: string; savedUsd: number | null };
  /** savedUsd: the removed tokens at the model's input price; null when the model is not in the catalog. */
  compression?: { tokensBefore: number; tokensAfter: number; savedUsd: number | null };
}

export function RequestDetailPage(props: RequestDetailProps) {
  const { row } = props;
  // Routing's share only: what a subscription paid for is shown on its own line.
  const saved = row.baselineCostUsd === null ? null : row.baselineCostUsd - row.costUsd - (row.subscriptionValueUsd ?? 0);
  return (
    <Layout title={`Request ${row.taskId.slice(0, 8)}`} section="requests" assets={props.assets}>
      <p class="breadcrumb">
        <a href="/dashboard/requests">← Requests</a>
      </p>
      <h1>
        Request <code>{row.taskId}</code>
      </h1>
      <div class="detail-grid">
        <section class="panel" aria-labelledby="detail-summary">
          <h2 id="detail-summary">Summary</h2>
          <dl class="pairs">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={row.status} />
              {row.finishReason ? <span class="muted"> · finished: {row.finishReason}</span> : null}
            </dd>
            {row.errorMessage ? (
              <>
                <dt>Error</dt>
                <dd class="error-text">
                  {row.errorType ? <code>{row.errorType}</code> : null} {row.errorMessage}
                </dd>
              </>
            ) : null}
            <dt>Received</dt>
            <dd>{formatDateTime(row.createdAt)}</dd>
            <dt>Client</dt>
            <dd class="wrap">{row.userAgent ?? "unknown"}</dd>
            <dt>Door</dt>
            <dd>
              {row.door}
              {row.stream ? " · streamed" : ""}
            </dd>
            <dt>Messages</dt>
            <dd>
              {row.messageCount} · {formatCount(row.promptBytes)} bytes
            </dd>
          </dl>
        </section>

        <section class="panel" aria-labelledby="detail-routing">
          <h2 id="detail-routing">Routing decision</h2>
          <dl class="pairs">
            <dt>Asked for</dt>
            <dd>
              <code>{row.requestedModel}</code>
            </dd>
            <dt>Served by</dt>
            <dd>{row.provider ? <code>{`${row.provider}:${row.model}`}</code> : <span class="muted">no model</span>}</dd>
            <dt>Tier</dt>
            <dd>{row.tier ?? "—"}</dd>
            <dt>Score</dt>
            <dd>{row.score ?? "—"}</dd>
            <dt>Category</dt>
            <dd>{row.category ?? "—"}</dd>
            <dt>Reason</dt>
            <dd class="wrap">{row.routeReason ?? "—"}</dd>
            <dt>Fallbacks</dt>
            <dd>{row.fallbacks}</dd>
          </dl>
          <h3>Candidates</h3>
          {row.candidates && row.candidates.length > 0 ? (
            <ol class="compact">
              {row.candidates.map((candidate) => (
                <li>
                  <code>{candidate}</code>
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">None recorded.</p>
          )}
          <h3>Attempts</h3>
          {row.attempts && row.attempts.length > 0 ? (
            <ol class="compact">
              {row.attempts.map((attempt) => (
                <li>
                  <code>{`${attempt.provider}:${attempt.model}`}</code> {attempt.error ? <span class="error-text">failed: {attempt.error}</span> : <span class="ok-text">answered</span>}
                </li>
              ))}
            </ol>
          ) : (
            <p class="muted">None recorded.</p>
          )}
        </section>

        <section class="panel" aria-labelledby="detail-cost">
          <h2 id="detail-cost">Tokens and cost</h2>
          <dl class="pairs">
            <dt>Tokens in</dt>
            <dd>{formatCount(row.tokensIn)}</dd>
            <dt>of them cached</dt>
            <dd>
              {formatCount(row.cachedTokens)} ({formatPercent(row.cachedTokens, row.tokensIn)})
            </dd>
            <dt>Cache writes</dt>
            <dd>{formatCount(row.cacheWriteTokens)}</dd>
            <dt>Tokens out</dt>
            <dd>{formatCount(row.tokensOut)}</dd>
            <dt>Cost</dt>
            <dd>
              {formatUsd(row.costUsd)}
              {row.usageEstimated ? " (estimated: the client left mid-stream)" : ""}
            </dd>
            <dt>Baseline</dt>
            <dd>{!row.baselineModel ? "—" : row.baselineCostUsd !== null ? `${formatUsd(row.baselineCostUsd)} on ${row.baselineModel}` : `not compared with ${row.baselineModel}`}</dd>
            <dt>Saved by routing</dt>
            <dd id="detail-routing-saved">{saved === null ? <NoRoutingSaving row={row} /> : `${formatUsd(saved)} (${formatPercent(saved, row.baselineCostUsd ?? 0)})`}</dd>
            {row.subscriptionValueUsd !== null ? (
              <>
                <dt>Subscription covered</dt>
                <dd id="detail-subscription">{formatUsd(row.subscriptionValueUsd)} at API list prices</dd>
              </>
            ) : null}
          </dl>
        </section>

        <section class="panel" aria-labelledby="detail-savers">
          <h2 id="detail-savers">Cache and compression</h2>
          <dl class="pairs">
            <dt>Response cache</dt>
            <dd id="detail-cache">{props.cache ? <CacheOutcome {...props.cache} row={row} /> : <span class="muted">not asked (cache off, or the request ended before it)</span>}</dd>
            <dt>Compression</dt>
            <dd id="detail-compression">{props.compression ? <CompressionOutcome {...props.compression} /> : <span class="muted">did not run (off, or the request ended before it)</span>}</dd>
          </dl>
        </section>

        <section class="panel" aria-labelledby="detail-timing">
          <h2 id="detail-timing">Latency and feedback</h2>
          <dl class="pairs">
            <dt>Total</dt>
            <dd>{formatMs(row.latencyMs)}</dd>
            <dt>First token</dt>
            <dd>{formatMs(row.ttftMs)}</dd>
          </dl>
          <h3>Feedback</h3>
          {props.feedback.length === 0 ? (
            <p class="muted">No rating. Reply “/feedback good” or “/feedback bad …” in the conversation to rate it.</p>
          ) : (
            <ul class="compact">
              {props.feedback.map((entry) => (
                <li>
                  <span class={entry.rating > 0 ? "ok-text" : "error-text"}>{entry.rating > 0 ? "good" : "bad"}</span>
                  {entry.comment ? <> — “{entry.comment}”</> : null}
                  <span class="muted">
                    {" "}
                    ({entry.source}, {formatDateTime(entry.createdAt)})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </Layout>
  );
}

const cacheWords: Record<string, string> = {
  hit: "hit: answered from the cache",
  miss: "miss: sent to the model (and stored if cacheable)",
  bypass: "bypassed: the request asked not to use the cache, or cannot be cached",
};

/**
 * A miss no model ever saw (a failure with no attempt and no model recorded: refused by a budget,
 * or ended before dispatch) was not "sent to the model". Before dispatch only a budget answers 429: an upstream's 429 has an attempt.
 */
function missNeverSent(row: RequestLogEntry): string | undefined {
  if ((row.attempts && row.attempts.length > 0) || row.provider || row.status < 400) return undefined;
  const why = row.status === 429 ? "refused by a budget" : "the request ended before a model was called";
  return `miss: not in the cache, and not sent to any model: ${why}${row.errorMessage ? " (see Error)" : ""}`;
}

function CacheOutcome(props: { status: string; savedUsd: number | null; row: RequestLogEntry }) {
  const words = props.status === "miss" ? (missNeverSent(props.row) ?? cacheWords.miss) : cacheWords[props.status];
  return (
    <>
      {words ?? props.status}
      {props.status === "hit" && props.savedUsd !== null ? <strong> · saved {formatUsd(props.savedUsd)}</strong> : null}
    </>
  );
}

function CompressionOutcome(props: { tokensBefore: number; tokensAfter: number; savedUsd: number | null }) {
  const removed = props.tokensBefore - props.tokensAfter;
  return (
    <>
      {formatCount(props.tokensBefore)} → {formatCount(props.tokensAfter)} prompt tokens
      {removed > 0 ? (
        <>
          {" "}
          · <strong>{formatCount(removed)} saved</strong> ({formatPercent(removed, props.tokensBefore)})
          {props.savedUsd !== null ? `, ${formatUsd(props.savedUsd)} at the model's input price` : ""}
        </>
      ) : (
        " · nothing to remove"
      )}
    </>
  );
}

/** Why a request has no routing saving: only a model the router chose is compared with the baseline. */
function NoRoutingSaving({ row }: { row: RequestLogEntry }) {
  const why = row.cacheStatus === "hit" ? "answered from the cache" : row.routeReason?.startsWith("requested ") ? "the client named the model: no routing decision" : undefined;
  return why ? <span class="muted">— ({why})</span> : <>—</>;
}
