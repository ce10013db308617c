/** @jsxImportSource hono/jsx */
import type { RequestWithSaving } from "../../src/routes/dashboard/request-saving";
import { formatCount, formatDateTime, formatMs, formatUsd, formatWhen } from "../components/format";
import { StatusBadge, shortClient } from "../components/request-bits";

/**
 * Rows of the request table: what the live view polls for (htmx morphs them into the table, so a
 * row that is already shown keeps its place and focus). Rows newer than `freshSince` are marked.
 */
export function RequestRows(props: { rows: RequestWithSaving[]; now: Date; freshSince?: number }) {
  if (props.rows.length === 0) {
    return (
      <tr>
        <td colspan={10} class="empty">
          No requests match these filters.
        </td>
      </tr>
    );
  }
  return (
    <>
      {props.rows.map((row) => {
        const saved = row.savedUsd;
        const fresh = props.freshSince !== undefined && row.createdAt.getTime() > props.freshSince;
        return (
          <tr id={`task-${row.taskId}`} class={fresh ? "row-new" : undefined} data-task-id={row.taskId}>
            <td class="nowrap">
              <a href={`/dashboard/requests/${row.taskId}`}>
                <time datetime={row.createdAt.toISOString()} title={formatDateTime(row.createdAt)}>
                  {formatWhen(row.createdAt, props.now)}
                </time>
              </a>
            </td>
            <td class="clip" title={row.userAgent ?? ""}>
              {shortClient(row.userAgent)}
            </td>
            <td>{row.door}</td>
            <td class="clip clip-wide" title={`asked for ${row.requestedModel}`}>
              {row.provider ? `${row.provider}:${row.model}` : <span class="muted">{row.requestedModel}</span>}
            </td>
            <td>{row.tier ?? <span class="muted">—</span>}</td>
            <td class="nowrap">
              <StatusBadge status={row.status} />
              {row.cacheStatus === "hit" ? <span class="muted"> cached</span> : null}
            </td>
            <td class="number">
              {formatCount(row.tokensIn)} / {formatCount(row.tokensOut)}
            </td>
            <td class="number">{formatUsd(row.costUsd)}</td>
            <td class="number">{saved === null ? <span class="muted">—</span> : formatUsd(saved)}</td>
            <td class="number">{formatMs(row.latencyMs)}</td>
          </tr>
        );
      })}
    </>
  );
}
