import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandLine } from "../src/cli-arguments";

const directory = mkdtempSync(join(tmpdir(), "claude-proxy-cli-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("the command line", () => {
  test("flags become the variables config.ts reads, over --env-file, over the environment", () => {
    const envFile = join(directory, "proxy.env");
    writeFileSync(envFile, "PORT=5000\nOPENAI_API_KEY=sk-from-file\n# a comment\nLOG_LEVEL=debug\n");
    const parsed = parseCommandLine(["--port", "4000", "--host=0.0.0.0", "--data-dir", "/var/lib/proxy", "--env-file", envFile], { PORT: "3000", LOG_LEVEL: "info", HOME: "/root" });
    expect(parsed).toEqual({
      action: "run",
      environment: { PORT: "4000", HOST: "0.0.0.0", DATA_DIR: "/var/lib/proxy", OPENAI_API_KEY: "sk-from-file", LOG_LEVEL: "debug", HOME: "/root" },
    });
  });

  test("--database-url, and no flags at all leaves the environment as it is", () => {
    expect(parseCommandLine(["--database-url", "postgres://db/proxy"], {})).toEqual({ action: "run", environment: { DATABASE_URL: "postgres://db/proxy" } });
    expect(parseCommandLine([], { PORT: "1" })).toEqual({ action: "run", environment: { PORT: "1" } });
  });

  test("--help, -h, --version, -v", () => {
    expect(parseCommandLine(["--help"], {}).action).toBe("help");
    expect(parseCommandLine(["-h", "--port", "1"], {}).action).toBe("help");
    expect(parseCommandLine(["--version"], {}).action).toBe("version");
    expect(parseCommandLine(["-v"], {}).action).toBe("version");
  });

  test("an unknown flag, a missing value, a stray argument or an unreadable --env-file fail with a clear message", () => {
    const failure = (argv: string[]) => {
      const parsed = parseCommandLine(argv, {});
      return parsed.action === "fail" ? parsed.message : `no failure: ${parsed.action}`;
    };
    expect(failure(["--prot", "4000"])).toContain("Unknown option '--prot'");
    expect(failure(["--port"])).toContain("--port");
    expect(failure(["serve"])).toContain("serve");
    expect(failure(["--env-file", join(directory, "missing.env")])).toContain("--env-file: cannot read");
  });
});
