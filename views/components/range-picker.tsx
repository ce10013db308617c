/** @jsxImportSource hono/jsx */
import { RANGES, type Range } from "../../src/db/stats-window";

/**
 * 24 h / 7 d / 30 d as plain links (they work without JavaScript); with htmx they swap only the
 * target and push the URL, so the back button and a reload keep the range.
 */
const labels: Record<Range, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

export function RangePicker(props: { current: Range; path: string; target?: string }) {
  return (
    <nav class="range-picker" aria-label="Time range">
      {RANGES.map((range) => (
        <a
          href={`${props.path}?range=${range}`}
          hx-get={props.target ? `${props.path}?range=${range}` : undefined}
          hx-target={props.target}
          hx-swap={props.target ? "outerHTML" : undefined}
          hx-push-url={props.target ? "true" : undefined}
          aria-current={range === props.current ? "true" : undefined}
        >
          {labels[range]}
        </a>
      ))}
    </nav>
  );
}

export const rangeLabel = (range: Range) => `last ${labels[range]}`;
