/**
 * The date the model lists give every model (`created` on the OpenAI door, `created_at` on the
 * Anthropic door): when this process started, whole seconds. The catalog has no release dates, and
 * a date that moved on every call made clients that cache the list see it change each time.
 */
const startedAtSeconds = Math.floor(Date.now() / 1000);

export const listedSinceSeconds = (): number => startedAtSeconds;
export const listedSinceIso = (): string => new Date(startedAtSeconds * 1000).toISOString();
