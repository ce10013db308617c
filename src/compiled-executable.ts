/**
 * Whether this code runs inside a compiled executable (`bun build --compile`): its modules live in
 * Bun's embedded file system, under `/$bunfs/` (`B:\~BUN\` on Windows).
 */
export function isCompiledExecutable(): boolean {
  return import.meta.path.startsWith("/$bunfs/") || import.meta.path.startsWith("B:\\~BUN\\");
}
