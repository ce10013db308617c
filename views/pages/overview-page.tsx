/** @jsxImportSource hono/jsx */
import { type AssetUrls, Layout } from "../layout";
import { OverviewContent, type OverviewProps } from "../partials/overview-content";

/** What AI coding cost, what routing saved, what is failing. */
export function OverviewPage(props: OverviewProps & { assets: AssetUrls }) {
  return (
    <Layout title="Overview" section="overview" assets={props.assets}>
      <h1>Overview</h1>
      <OverviewContent {...props} />
    </Layout>
  );
}
