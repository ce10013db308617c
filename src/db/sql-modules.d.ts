// SQL migrations imported `with { type: "text" }`: the import is the file's text, embedded in the bundle.
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "@electric-sql/pglite/*.wasm" {
  const path: string;
  export default path;
}
declare module "@electric-sql/pglite/pglite.data" {
  const path: string;
  export default path;
}
// The shipped PGlite data directory, imported `with { type: "file" }`: the import is its path.
declare module "*.tar.gz" {
  const path: string;
  export default path;
}
