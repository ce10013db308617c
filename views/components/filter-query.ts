/** The request filter as forms and links carry it: strings, "" for any. */
export interface FilterValues {
  provider: string;
  model: string;
  tier: string;
  status: string;
  client: string;
  door: string;
  time: string;
}

/** The filter as a query string (only the fields set), for links, polling and the export. */
export function filterQueryString(values: FilterValues, extra: Record<string, string | undefined> = {}): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...values, ...extra })) if (value) parameters.set(key, value);
  const text = parameters.toString();
  return text ? `?${text}` : "";
}
