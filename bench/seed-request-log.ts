import { sql } from "drizzle-orm";
import type { Database } from "../src/db/client";

/**
 * Fills request_log with synthetic but plausible rows entirely inside the database
 * (`insert … select … from generate_series`), so a million rows take seconds, not minutes: a mix
 * of providers, tiers, doors, clients and statuses over the last `days` days, with costs from
 * catalog prices, a premium baseline, and feedback on about one task in a hundred. The Claude CLI's
 * rows cost 0 with their list-price value recorded (a subscription); one answer in ten comes from
 * the response cache, and compression removed about a tenth of the prompt of the others.
 */
const models = [
  // provider, model, tier, input and output USD per million tokens, weight
  ["openai", "gpt-4o-mini", "economy", 0.15, 0.6, 18],
  ["openai", "gpt-6.1-terra", "standard", 1, 5, 8],
  ["openai", "gpt-6.2-sol", "premium", 2, 10, 3],
  ["anthropic", "claude-haiku-5-5", "economy", 0.1, 0.5, 14],
  ["anthropic", "claude-sonnet-5-5", "standard", 2, 10, 12],
  ["anthropic", "claude-opus-5-5", "premium", 4, 20, 4],
  ["claude-cli", "claude-sonnet-5-5", "standard", 2, 10, 10],
  ["gemini", "gemini-2.5-flash-lite", "economy", 0.1, 0.4, 14],
  ["gemini", "gemini-3.8-flash", "standard", 0.75, 3.75, 9],
  ["ollama", "qwen2.5-coder:7b", "economy", 0, 0, 8],
] as const;

const clients = ["claude-cli/2.1.197 (external, cli)", "codex_cli_rs/0.50.0", "OpenAI/JS 7.57.0", "Cline/3.40.1", "Kilo-Code/4.1.0", "aider/0.86"];
const doorFor = ["anthropic", "responses", "openai", "openai", "openai", "openai"];
const categories = ["chat", "edit", "debug", "plan", "refactor", "background"];
const baseline = { model: "anthropic:claude-fable-5-1", input: 10, output: 50 };

/** Inserts `count` rows numbered from `first`, spread evenly over the `days` days before `now`. */
export async function seedRequestLog(db: Database, options: { first: number; count: number; total: number; days: number; now: Date }): Promise<void> {
  const { first, count, total, days, now } = options;
  const weights = models.map((model) => model[5]);
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  // Cumulative weight thresholds pick a model from one random number.
  let running = 0;
  const modelRows = models.map(([provider, model, tier, input, output, weight], index) => {
    const from = running / weightTotal;
    running += weight;
    return sql`(${index}, ${provider}, ${model}, ${tier}, ${input}::float8, ${output}::float8, ${from}::float8, ${running / weightTotal}::float8)`;
  });
  const clientArray = sql`array[${sql.join(clients.map((client) => sql`${client}`), sql`, `)}]::text[]`;
  const doorArray = sql`array[${sql.join(doorFor.map((door) => sql`${door}`), sql`, `)}]::text[]`;
  const categoryArray = sql`array[${sql.join(categories.map((category) => sql`${category}`), sql`, `)}]::text[]`;

  await db.execute(sql`
    with models(position, provider, model, tier, input, output, pick_from, pick_to) as (values ${sql.join(modelRows, sql`, `)}),
    draws as (
      select n,
        ${now.toISOString()}::timestamptz - (${days}::float8 * 86400 * (n - 0.5 + random()) / ${total}) * interval '1 second' as created_at,
        random() as model_draw, random() as status_draw, random() as size_draw, random() as latency_draw, random() as cache_draw,
        1 + (n % ${clients.length}) as client_index, 1 + (n % ${categories.length}) as category_index
      from generate_series(${first}::int, ${first + count - 1}::int) as n
    ),
    rows as (
      select draws.*, models.provider, models.model, models.tier, models.input, models.output,
        case when status_draw < 0.93 then 200 when status_draw < 0.955 then 429 when status_draw < 0.975 then 500
             when status_draw < 0.99 then 499 else 400 end as status,
        (400 + size_draw * size_draw * 30000)::int as tokens_in,
        (30 + latency_draw * 1800)::int as tokens_out,
        (150 + 900 * -ln(1 - latency_draw * 0.999) + size_draw * 1500)::int as latency_ms,
        case when cache_draw < 0.1 then 'hit' when cache_draw < 0.85 then 'miss' when cache_draw < 0.9 then 'bypass' else null end as cache_status
      from draws join models on draws.model_draw >= models.pick_from and draws.model_draw < models.pick_to
    ),
    priced as (
      select rows.*,
        case when status = 200 then (tokens_in * 0.7 * input + tokens_in * 0.3 * input * 0.1 + tokens_out * output) / 1e6 else 0 end as list_cost,
        status = 200 and cache_status is distinct from 'hit' as compressed
      from rows
    )
    insert into request_log (task_id, created_at, door, user_agent, requested_model, provider, model, stream, status,
      error_type, error_message, finish_reason, tokens_in, tokens_out, cached_tokens, cache_write_tokens, cost_usd,
      latency_ms, ttft_ms, prompt_bytes, message_count, tier, score, category, route_reason, candidates, attempts,
      fallbacks, baseline_model, baseline_cost_usd, session_key, subscription_value_usd, cache_status, cache_saved_usd,
      compression_tokens_before, compression_tokens_after)
    select gen_random_uuid(), created_at, (${doorArray})[client_index], (${clientArray})[client_index], 'auto', provider, model,
      n % 4 <> 0, status,
      case when status = 200 then null when status = 429 then 'rate_limit_error' when status = 499 then 'client_closed' when status = 400 then 'invalid_request_error' else 'api_error' end,
      case when status = 200 then null when status = 429 then 'Upstream rate limit reached' when status = 499 then 'The client closed the connection' when status = 400 then 'messages: field required' else 'Upstream server error' end,
      case when status = 200 then 'stop' else null end,
      case when status = 200 then tokens_in else 0 end, case when status = 200 then tokens_out else 0 end,
      case when status = 200 then (tokens_in * 0.3)::int else 0 end, 0,
      case when provider = 'claude-cli' or cache_status = 'hit' then 0 else list_cost end,
      latency_ms, case when n % 4 <> 0 then (latency_ms * 0.25)::int else null end,
      tokens_in * 4, 2 + n % 30, tier, (size_draw * 100)::numeric(5,1)::float8, (${categoryArray})[category_index],
      'auto: score ' || (size_draw * 100)::int || ' -> ' || tier,
      jsonb_build_array(provider || ':' || model), null, case when status_draw between 0.9 and 0.93 then 1 else 0 end,
      ${baseline.model},
      case when status = 200 and cache_status is distinct from 'hit' then (tokens_in * ${baseline.input} + tokens_out * ${baseline.output}) / 1e6 else null end,
      'seed-' || (n / 20),
      case when provider = 'claude-cli' and status = 200 and cache_status is distinct from 'hit' then list_cost else null end,
      cache_status, case when cache_status = 'hit' then list_cost else null end,
      case when compressed then (tokens_in * 1.1)::int else null end, case when compressed then tokens_in else null end
    from priced`);
}

/** Feedback on about one answered seeded task in a hundred, four in five of it good. */
export async function seedFeedback(db: Database): Promise<void> {
  await db.execute(sql`
    insert into feedback (id, task_id, created_at, rating, comment, source)
    select gen_random_uuid(), task_id, created_at + interval '1 minute',
      case when random() < 0.8 then 1 else -1 end, case when random() < 0.3 then 'seeded comment' else null end, 'api'
    from request_log
    where session_key like 'seed-%' and status = 200 and random() < 0.01`);
}
