/** @jsxImportSource hono/jsx */
import { describe, expect, test } from "bun:test";
import { BudgetsContent } from "../../views/partials/budgets-content";

/** The note on "covered" spend is shown only beside a covered figure. */
describe("spend by provider", () => {
  const render = (coveredMonthUsd: number) =>
    String(
      <BudgetsContent
        periods={[]}
        byProvider={[{ provider: "claude-cli", todayUsd: 0, monthUsd: 0, coveredTodayUsd: 0, coveredMonthUsd }]}
        form={{ rows: [], timeZone: "UTC", action: "downgrade" }}
      />,
    );

  test("with covered spend: the figure and the note saying what it is", () => {
    const html = render(1.25);
    expect(html).toContain("$1.25 covered");
    expect(html).toContain("is what a subscription");
  });

  test("without: no note about a figure that is not there", () => {
    expect(render(0)).not.toContain("is what a subscription");
  });
});
