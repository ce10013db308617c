import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startDefaults } from "../../bench/start-environment";
import { missingRuntimeSettings, RUNTIME_SETTINGS } from "../../src/runtime-settings";

/**
 * The runtime settings are spelled in four places: `bun run start`, `bun run dev` (package.json),
 * the container's compiled executable (Dockerfile ENV) and src/runtime-settings.ts, from which a
 * compiled executable started without them restarts itself with them. They must agree, or the
 * container, the executable and the benchmark (which reads the start script) run a different proxy
 * from the one the README measures.
 */
const root = join(import.meta.dir, "../..");
const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;

function dockerEnvironment(): Record<string, string> {
  const text = readFileSync(join(root, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const environment: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("ENV ")) continue;
    for (const [, name, value] of line.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) environment[name!] = value!;
  }
  return environment;
}

describe("runtime settings", () => {
  test("start and dev set the same variables with the same defaults", () => {
    expect(startDefaults(scripts.dev!)).toEqual(startDefaults(scripts.start!));
  });

  test("the Dockerfile sets every variable of the start script to its default", () => {
    const docker = dockerEnvironment();
    for (const [name, value] of Object.entries(startDefaults(scripts.start!))) expect({ name, value: docker[name] }).toEqual({ name, value });
  });

  test("the compiled executable's own defaults are the start script's", () => {
    expect({ ...RUNTIME_SETTINGS }).toEqual(startDefaults(scripts.start!));
  });

  test("only the settings missing from the environment are added; a value set there wins", () => {
    expect(missingRuntimeSettings({ ...RUNTIME_SETTINGS })).toEqual({});
    const { BUN_JSC_forceRAMSize: _kept, ...rest } = RUNTIME_SETTINGS;
    expect(missingRuntimeSettings({ BUN_JSC_forceRAMSize: "268435456" })).toEqual(rest);
    expect(missingRuntimeSettings({})).toEqual({ ...RUNTIME_SETTINGS });
  });

  test("the heap growth factors stay at or above JavaScriptCore's 1.5 cliff", () => {
    // Below 1.5, every eden collection is followed by a full one (JavaScriptCore forces a full
    // collection when less than a third of the heap is left for new objects); README "Memory".
    const defaults = startDefaults(scripts.start!);
    for (const name of ["BUN_JSC_smallHeapGrowthFactor", "BUN_JSC_mediumHeapGrowthFactor", "BUN_JSC_largeHeapGrowthFactor"]) {
      expect({ name, atCliffOrAbove: Number(defaults[name]) >= 1.5 }).toEqual({ name, atCliffOrAbove: true });
    }
  });
});
