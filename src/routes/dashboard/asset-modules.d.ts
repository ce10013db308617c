// Files the dashboard serves, imported `with { type: "file" }`: the import is the file's path, and
// `bun build --compile` embeds the file in the executable.
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "htmx.org/dist/htmx.min.js" {
  const path: string;
  export default path;
}
