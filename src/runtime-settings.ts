import { dlopen, FFIType, ptr } from "bun:ffi";
import { isCompiledExecutable } from "./compiled-executable";

/**
 * The runtime's settings the proxy is measured and documented with (README, Memory and
 * Performance): JavaScriptCore's heap setting and growth factors, no FTL tier, Bun's limit of
 * concurrent fetches, mimalloc's purge delay. `bun run start` and the Dockerfile set the same
 * values (tests/scripts/runtime-settings.test.ts keeps the three in agreement); a value already in
 * the environment always wins.
 */
export const RUNTIME_SETTINGS: Readonly<Record<string, string>> = {
  BUN_JSC_forceRAMSize: "134217728",
  BUN_JSC_smallHeapGrowthFactor: "1.5",
  BUN_JSC_mediumHeapGrowthFactor: "1.6",
  BUN_JSC_largeHeapGrowthFactor: "1.6",
  BUN_JSC_useFTLJIT: "false",
  BUN_CONFIG_MAX_HTTP_REQUESTS: "4096",
  MIMALLOC_PURGE_DELAY: "1000",
};

/** The settings this process was started without (empty when it has them all). */
export function missingRuntimeSettings(environment: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(RUNTIME_SETTINGS).filter(([name]) => environment[name] === undefined));
}

/**
 * In a compiled executable started without the settings, replaces this process by the same
 * executable with them added to its environment (execve: the same pid, arguments and open files),
 * since the runtime reads them only when it starts. Returns when there is nothing to do or the
 * replacement is not possible here (no libc to call, or execve failed); the proxy then runs with
 * the runtime's defaults, as before. `bun run start` and the container set the settings themselves.
 */
export function restartWithRuntimeSettings(): void {
  const missing = missingRuntimeSettings(process.env);
  if (Object.keys(missing).length === 0 || !isCompiledExecutable()) return;
  const libcName = process.platform === "darwin" ? "libSystem.B.dylib" : process.platform === "linux" ? "libc.so.6" : undefined;
  if (!libcName) return;
  let libc;
  try {
    libc = dlopen(libcName, { execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } });
  } catch {
    return;
  }
  // Every string is kept referenced here until execve, which reads them, replaces the process.
  const strings: Buffer[] = [];
  const cString = (text: string) => {
    const bytes = Buffer.from(`${text}\0`, "utf8");
    strings.push(bytes);
    return bytes;
  };
  const pointerArray = (items: string[]) => {
    const pointers = new BigUint64Array(items.length + 1);
    items.forEach((item, index) => (pointers[index] = BigInt(ptr(cString(item)))));
    return pointers;
  };
  // A compiled executable's argv holds its embedded entry's path second; the real one does not.
  const argv = pointerArray([process.execPath, ...process.argv.slice(2)]);
  const envp = pointerArray(Object.entries({ ...process.env, ...missing }).map(([name, value]) => `${name}=${value ?? ""}`));
  libc.symbols.execve(cString(process.execPath), argv, envp);
  // Only reached when execve failed: run on without the settings.
}
