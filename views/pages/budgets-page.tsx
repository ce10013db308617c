/** @jsxImportSource hono/jsx */
import { type AssetUrls, Layout } from "../layout";
import { BudgetsContent, type BudgetsContentProps } from "../partials/budgets-content";

/** Spend against the limits, with when each resets, and the limits to edit. */
export function BudgetsPage(props: BudgetsContentProps & { assets: AssetUrls }) {
  return (
    <Layout title="Budgets" section="budgets" assets={props.assets}>
      <h1>Budgets</h1>
      <p class="muted">Spend counts what was paid at the catalog's prices; requests a subscription pays for, local models and cache hits cost nothing.</p>
      <BudgetsContent {...props} />
    </Layout>
  );
}
