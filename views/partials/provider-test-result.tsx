/** @jsxImportSource hono/jsx */
import { formatMs } from "../components/format";
import { StatusBadge } from "../components/request-bits";

/** What a provider test request came back with: who answered, how fast, and the answer or error. */
export interface ProviderTestResultProps {
  provider: string;
  model: string;
  status: number;
  servedBy: string | null;
  latencyMs: number;
  /** The answer's text, or the error message. */
  text: string;
  taskId: string | null;
}

export function ProviderTestResult(props: ProviderTestResultProps) {
  const ok = props.status === 200;
  return (
    <div class={`test-result ${ok ? "test-ok" : "test-failed"}`} data-status={props.status}>
      <p>
        <StatusBadge status={props.status} /> {props.servedBy ? <code>{props.servedBy}</code> : null} in {formatMs(props.latencyMs)}
        {props.taskId ? (
          <>
            {" "}
            · <a href={`/dashboard/requests/${props.taskId}`}>details</a>
          </>
        ) : null}
      </p>
      <p class={ok ? "test-answer" : "error-text"}>{props.text || "(empty answer)"}</p>
    </div>
  );
}
