import packageJson from "../package.json" with { type: "json" };

/**
 * The variables `bun run start` sets in front of its command (package.json), so the benchmark's
 * proxy runs with the same runtime settings as a user's: BUN_CONFIG_MAX_HTTP_REQUESTS (Bun's limit on
 * concurrent fetches, given as `${NAME:-default}`), BUN_JSC_forceRAMSize, which sizes
 * JavaScriptCore's heap growth for a 128 MiB machine so it collects garbage sooner, the heap growth
 * factors that keep it off the full-collection cliff near that size, no FTL tier, and a one-second
 * delay before mimalloc returns freed pages (README "Memory").
 */
export function startEnvironment(startScript: string = packageJson.scripts.start): Record<string, string> {
  return Object.fromEntries(Object.entries(startAssignments(startScript)).map(([name, { value, reference }]) => [name, (reference && process.env[reference]) || value]));
}

/** The values the start script writes, before the environment can override them: each `${NAME:-default}` as its default. */
export function startDefaults(startScript: string = packageJson.scripts.start): Record<string, string> {
  return Object.fromEntries(Object.entries(startAssignments(startScript)).map(([name, { value }]) => [name, value]));
}

/** The script's leading `NAME=value` words; for `${NAME:-default}`, the variable it reads and its default. */
function startAssignments(startScript: string): Record<string, { value: string; reference?: string }> {
  const assignments: Record<string, { value: string; reference?: string }> = {};
  for (const word of startScript.split(/\s+/)) {
    const assignment = /^([A-Z_][A-Za-z0-9_]*)=(\S*)$/.exec(word);
    if (!assignment) break;
    const reference = /^\$\{([A-Z_][A-Za-z0-9_]*):-([^}]*)\}$/.exec(assignment[2]!);
    assignments[assignment[1]!] = reference ? { value: reference[2]!, reference: reference[1]! } : { value: assignment[2]! };
  }
  return assignments;
}
