/** @jsxImportSource hono/jsx */
import { type AssetUrls, Layout, type Section } from "../layout";

/** A page that only says something: a request that is not known, a bad filter, an error. */
export function MessagePage(props: { assets: AssetUrls; section: Section; title: string; message: string; problems?: string[] }) {
  return (
    <Layout title={props.title} section={props.section} assets={props.assets}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.problems && props.problems.length > 0 ? (
        <ul>
          {props.problems.map((problem) => (
            <li>{problem}</li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/dashboard">Back to the overview</a>
      </p>
    </Layout>
  );
}
