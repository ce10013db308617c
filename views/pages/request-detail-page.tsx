/** @jsxImportSource hono/jsx */
import type { RequestLogEntry } from "../../src/db/request-list-queries";
import { formatCount, formatDateTime, formatMs, formatPercent, formatUsd } from "../components/format";
import { StatusBadge } from "../components/request-bits";
import { NotEnabled } from "../components/stat-card";
import { type AssetUrls, Layout } from "../layout";

/**
 * One request: what was asked, how it was routed and why, what it cost and saved, how long it
 * took, and what the user said about it. Cache and compression outcomes are optional props,
 * shown as "not enabled" until those stages log them.
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
  compression?: { tokensBefore: number; tokensAfter: number };
}

export function RequestDetailPage(props: RequestDetailProps) {
  const { row } = props;
  const saved = row.baselineCostUsd === null ? null : row.baselineCostUsd - row.costUsd;
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
            <dd>{formatUsd(row.costUsd)}</dd>
            <dt>Baseline</dt>
            <dd>{row.baselineModel ? `${formatUsd(row.baselineCostUsd ?? 0)} on ${row.baselineModel}` : "—"}</dd>
            <dt>Saved</dt>
            <dd>{saved === null ? "—" : `${formatUsd(saved)} (${formatPercent(saved, row.baselineCostUsd ?? 0)})`}</dd>
            <dt>Response cache</dt>
            <dd>{props.cache ? `${props.cache.status}${props.cache.savedUsd !== null ? `, saved ${formatUsd(props.cache.savedUsd)}` : ""}` : <NotEnabled />}</dd>
            <dt>Compression</dt>
            <dd>{props.compression ? `${formatCount(props.compression.tokensBefore)} → ${formatCount(props.compression.tokensAfter)} tokens` : <NotEnabled />}</dd>
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
