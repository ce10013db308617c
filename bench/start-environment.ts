import packageJson from "../package.json" with { type: "json" };

/**
 * The variables `bun run start` sets in front of its command (package.json), so the benchmark's
 * proxy runs with the same runtime settings as a user's: today BUN_JSC_forceRAMSize, which sizes
 * JavaScriptCore's heap growth for a 128 MiB machine, so it collects garbage sooner (see README
 * "Performance": the proxy's own peak under the benchmark ~124 MiB instead of 170-195).
 */
export function startEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const word of packageJson.scripts.start.split(/\s+/)) {
    const assignment = /^([A-Z_][A-Za-z0-9_]*)=(\S*)$/.exec(word);
    if (!assignment) break;
    environment[assignment[1]!] = assignment[2]!;
  }
  return environment;
}
