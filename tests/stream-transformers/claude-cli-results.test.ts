import { describe, expect, test } from "bun:test";
import { describeClaudeCliError, readClaudeCliRateLimit } from "../../src/stream-transformers/claude-cli-results";
import { fixture, replay } from "../helpers/claude-cli-replay";

/** What the Claude CLI's result and rate-limit lines say about usage limits and logins. */
describe("recorded with 2.1.332: a usage limit", () => {
  test("an exhausted 5-hour limit: one error chunk naming the reset, and the rate-limit report", async () => {
    const chunks = await replay(fixture("usage-limit"));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.error).toMatchObject({ code: "claude_cli_usage_limit" });
    expect(chunks[0]!.error!.message).toContain("You've hit your 5-hour limit");
    const reports = fixture("usage-limit").split("\n").filter((line) => line !== "").map((line) => readClaudeCliRateLimit(JSON.parse(line))).filter((limit) => limit !== undefined);
    expect(reports[0]).toEqual({ status: "rejected", resetsAt: 1796125778000, limitType: "five_hour" });
  });
});

describe("what the CLI reports about limits and logins", () => {
  test("an exhausted subscription limit, a lost login and other errors are told apart", () => {
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 429, api_error: "usage_limit_reached", result: "You've hit your 5-hour limit · resets 11:49am (UTC)" })).toEqual({
      code: "claude_cli_usage_limit",
      message: "The Claude CLI reported an error (upstream status 429): You've hit your 5-hour limit · resets 11:49am (UTC)",
    });
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 401, result: "Not logged in · Please run /login" }).code).toBe("claude_cli_auth");
    expect(describeClaudeCliError({ subtype: "success", is_error: true, api_error_status: 529, result: "Overloaded" }).code).toBe("claude_cli_error");
  });

  test("rate-limit reports are read from rate_limit_event lines and from a refused request's message", () => {
    expect(readClaudeCliRateLimit({ type: "rate_limit_event", rate_limit_info: { status: "rejected", resetsAt: 1796125778, rateLimitType: "five_hour" } })).toEqual({
      status: "rejected",
      resetsAt: 1796125778000,
      limitType: "five_hour",
    });
    expect(readClaudeCliRateLimit({ type: "assistant", api_error_params: { rate_limit_info: { status: "rejected", resetsAt: 10 } } })).toEqual({ status: "rejected", resetsAt: 10_000, limitType: undefined });
    expect(readClaudeCliRateLimit({ type: "rate_limit_event", rate_limit_info: { status: "allowed" } })).toEqual({ status: "allowed", resetsAt: undefined, limitType: undefined });
    expect(readClaudeCliRateLimit({ type: "assistant", message: {} })).toBeUndefined();
  });
});
