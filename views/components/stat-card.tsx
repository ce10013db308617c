/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/** One headline figure with its label and a line or list of context under it. */
export function StatCard(props: { label: string; value: Child; id?: string; tone?: "good" | "bad" | "warn"; children?: Child }) {
  return (
    <section class={`card${props.tone ? ` card-${props.tone}` : ""}`} id={props.id} aria-label={props.label}>
      <h2 class="card-label">{props.label}</h2>
      <p class="card-value">{props.value}</p>
      {props.children ? <div class="card-detail">{props.children}</div> : null}
    </section>
  );
}

/** The stand-in for a figure whose feature is not enabled yet (response cache, compression, budgets). */
export function NotEnabled(props: { what?: string }) {
  return <span class="muted not-enabled">— {props.what ?? "not enabled"}</span>;
}
