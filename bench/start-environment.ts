import packageJson from "../package.json" with { type: "json" };

/**
 * The variables `bun run start` sets in front of its command (package.json), so the benchmark's
 * proxy runs with the same runtime settings as a user's: BUN_CONFIG_MAX_HTTP_REQUESTS (Bun's limit on
 * concurrent fetches, given as `${NAME:-default}`), BUN_JSC_forceRAMSize, which sizes
 * JavaScriptCore's heap growth for a 128 MiB machine, so it collects garbage sooner (see README
 * "Memory": the proxy's own peak under the benchmark ~124 MiB instead of 170-195), and
 * BUN_JSC_smallHeapGrowthFactor=1.5: after a full collection the heap may grow by half its live
 * size before the next, not double (bench:postgres peak ~113 MiB instead of ~124).
 */
export function startEnvironment(startScript: string = packageJson.scripts.start): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const word of startScript.split(/\s+/)) {
    const assignment = /^([A-Z_][A-Za-z0-9_]*)=(\S*)$/.exec(word);
    if (!assignment) break;
    environment[assignment[1]!] = withDefault(assignment[2]!);
  }
  return environment;
}

/** `${NAME:-default}` as the shell expands it; any other value as written. */
function withDefault(value: string): string {
  const reference = /^\$\{([A-Z_][A-Za-z0-9_]*):-([^}]*)\}$/.exec(value);
  if (!reference) return value;
  return process.env[reference[1]!] || reference[2]!;
}
