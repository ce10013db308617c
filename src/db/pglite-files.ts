import fsBundlePath from "@electric-sql/pglite/pglite.data" with { type: "file" };
import pgliteWasmPath from "@electric-sql/pglite/pglite.wasm" with { type: "file" };

/**
 * PGlite's WASM module and file-system bundle, imported as files so `bun build --compile` embeds
 * them: inside the executable PGlite cannot find them next to its own script. Passed to PGlite
 * explicitly, which works the same under `bun run`. initdb.wasm is not loaded: a new database is
 * unpacked from the shipped data directory (pglite-data-dir.ts), so PGlite never runs initdb.
 */
export interface PgliteFiles {
  pgliteWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

export async function loadPgliteFiles(): Promise<PgliteFiles> {
  const pgliteWasmModule = await WebAssembly.compile(await Bun.file(pgliteWasmPath).arrayBuffer());
  return { pgliteWasmModule, fsBundle: Bun.file(fsBundlePath) };
}
