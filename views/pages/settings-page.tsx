/** @jsxImportSource hono/jsx */
import type { SettingEntry } from "../../src/routes/dashboard/settings-entries";
import { type AssetUrls, Layout } from "../layout";

/** The effective configuration, every secret masked, grouped by its first name segment. */
export interface SettingsPageProps {
  assets: AssetUrls;
  database: string;
  entries: SettingEntry[];
}

export function SettingsPage(props: SettingsPageProps) {
  const groups = groupEntries(props.entries);
  return (
    <Layout title="Settings" section="settings" assets={props.assets}>
      <h1>Settings</h1>
      <p class="muted">
        The configuration in effect, read from the environment and <code>.env</code> at start-up (see <code>.env.example</code>). Keys, tokens, secrets, passwords and header
        values are masked. Database: {props.database}.
      </p>
      <div class="table-scroll panel">
        <table class="settings" id="settings-table">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          {groups.map(([group, entries]) => (
            <tbody>
              <tr class="group-row">
                <th scope="colgroup" colspan={2}>
                  {group}
                </th>
              </tr>
              {entries.map((entry) => (
                <tr>
                  <th scope="row">
                    <code>{entry.name}</code>
                  </th>
                  <td class={entry.masked ? "masked" : entry.value === "(not set)" ? "muted" : undefined}>
                    <code>{entry.value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </Layout>
  );
}

/** Settings under one object (openai.*, customProviders[0].*) together; plain ones under "general". */
function groupEntries(entries: SettingEntry[]): Array<[string, SettingEntry[]]> {
  const groups = new Map<string, SettingEntry[]>();
  for (const entry of entries) {
    const match = /^([^.[]+)[.[]/.exec(entry.name);
    const group = match ? match[1]! : "general";
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const general = groups.get("general");
  groups.delete("general");
  return [...(general ? [["general", general] as [string, SettingEntry[]]] : []), ...groups.entries()];
}
