import { defineConfig } from "drizzle-kit";

// Used only by `bun run db:generate` to turn src/db/schema.ts into SQL migrations.
// The proxy applies them itself at start-up (src/db/run-migrations.ts, from the copies embedded by src/db/embedded-migrations.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./src/db/migrations",
});
