/** @jsxImportSource hono/jsx */
import { type AssetUrls, Layout } from "../layout";
import { RequestList, type RequestListProps } from "../partials/request-list";

/** The request log: filters, the table (live on its first page), paging and CSV export. */
export function RequestsPage(props: RequestListProps & { assets: AssetUrls }) {
  return (
    <Layout title="Requests" section="requests" assets={props.assets}>
      <h1>Requests</h1>
      <RequestList {...props} />
    </Layout>
  );
}
