/** @jsxImportSource hono/jsx */
import type { FilterOptions } from "../../src/db/dashboard/requests-queries";
import type { RequestWithSaving } from "../../src/routes/dashboard/request-saving";
import { type FilterValues, filterQueryString } from "../components/filter-query";
import { RequestRows } from "./request-rows";

/**
 * The filterable request table. The filter form is a plain GET form (works without JavaScript);
 * with htmx it swaps this fragment on every change and pushes the URL. On the first page the table
 * body polls for new rows every few seconds.
 */
export interface RequestListProps {
  values: FilterValues;
  options: FilterOptions;
  rows: RequestWithSaving[];
  /** Cursor of the next (older) page. */
  next: string | undefined;
  /** Whether this is a later page (no live updates there). */
  paged: boolean;
  /** Epoch ms of the render: rows newer than this are marked as new by the live view. */
  renderedAt: number;
  pollSeconds: number;
}

export function RequestList(props: RequestListProps) {
  const query = filterQueryString(props.values);
  const live = !props.paged;
  return (
    <div id="request-list" class="stack">
      <FilterForm values={props.values} options={props.options} />
      <div class="toolbar">
        <p class="muted" id="request-count">
          <RequestCount count={props.rows.length} paged={props.paged} />
        </p>
        <a class="button" href={`/dashboard/requests.csv${query}`} download>
          Export CSV
        </a>
      </div>
      <div class="table-scroll">
        <table class="requests">
          <caption class="visually-hidden">Logged requests</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Client</th>
              <th scope="col">Door</th>
              <th scope="col">Model</th>
              <th scope="col">Tier</th>
              <th scope="col">Status</th>
              <th scope="col" class="number" title="Tokens in / out">
                Tokens
              </th>
              <th scope="col" class="number">
                Cost
              </th>
              <th scope="col" class="number">
                Saved
              </th>
              <th scope="col" class="number">
                Latency
              </th>
            </tr>
          </thead>
          <tbody
            id="request-rows"
            hx-get={live ? `/dashboard/requests/rows${filterQueryString(props.values, { fresh: String(props.renderedAt) })}` : undefined}
            hx-trigger={live ? `every ${props.pollSeconds}s` : undefined}
            hx-swap={live ? "innerMorph" : undefined}
          >
            <RequestRows rows={props.rows} now={new Date(props.renderedAt)} />
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        {props.paged ? <a href={`/dashboard/requests${query}`}>← Newest</a> : <span />}
        {props.next ? <a href={`/dashboard/requests${filterQueryString(props.values, { before: props.next })}`}>Older →</a> : null}
      </nav>
    </div>
  );
}

/** The line above the table; the live view sends it again with the rows it polls for, so it keeps counting what is shown. */
export function RequestCount(props: { count: number; paged: boolean }) {
  return (
    <>
      {props.count === 0 ? "No matching requests" : `${props.paged ? "Older" : "Latest"} ${props.count} ${props.count === 1 ? "request" : "requests"}, newest first`}
      {props.paged ? null : (
        <span class="live" title="New requests appear as they are logged">
          {" "}
          · live
        </span>
      )}
    </>
  );
}

function FilterForm(props: { values: FilterValues; options: FilterOptions }) {
  const { values, options } = props;
  return (
    <form class="filters" method="get" action="/dashboard/requests" hx-get="/dashboard/requests" hx-target="#request-list" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change">
      <Select name="provider" label="Provider" value={values.provider} choices={options.providers} />
      <Select name="model" label="Model" value={values.model} choices={options.models} />
      <Select name="tier" label="Tier" value={values.tier} choices={options.tiers} />
      <Select
        name="status"
        label="Status"
        value={values.status}
        choices={["ok", "failed", "rejected", "upstream"]}
        names={{ ok: "ok (200)", failed: "failed (5xx, 429)", rejected: "rejected (4xx, aborted)", upstream: "failed upstream (a provider's error)" }}
      />
      <Select name="door" label="Door" value={values.door} choices={options.doors} />
      <Select name="client" label="Client" value={values.client} choices={options.clients} />
      <Select name="time" label="Time" value={values.time} choices={["1h", "24h", "7d", "30d"]} names={{ "1h": "last hour", "24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days" }} anyLabel="all time" />
      <div class="filter-actions">
        <button type="submit">Apply</button>
        <a href="/dashboard/requests">Reset</a>
      </div>
    </form>
  );
}

function Select(props: { name: string; label: string; value: string; choices: string[]; names?: Record<string, string>; anyLabel?: string }) {
  // A value chosen earlier stays selectable even when the recent rows no longer contain it.
  const choices = props.value && !props.choices.includes(props.value) ? [props.value, ...props.choices] : props.choices;
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name}>
        <option value="">{props.anyLabel ?? "any"}</option>
        {choices.map((choice) => (
          <option value={choice} selected={choice === props.value}>
            {props.names?.[choice] ?? choice}
          </option>
        ))}
      </select>
    </label>
  );
}
