/**
 * The `provider:model` key that names one model of one provider wherever one is counted or looked
 * up: the catalog, circuit breakers, success rates, the request log and the dashboard.
 */
export const modelKey = (provider: string, model: string): string => `${provider}:${model}`;
