import { describe, expect, test } from "bun:test";
import { chatRequestSchema } from "../../src/chat/request-schema";
import { hasStackTrace, looksGreen, looksLikeToolError, saysRetry } from "../../src/routing/classifier/error-signals";
import { extractTaskText } from "../../src/routing/classifier/extract-task-text";
import { FEATURE_NAMES, LATEST_CONCEPTS, computeFeatures } from "../../src/routing/classifier/features";
import { addContextPaths, addPathsFrom } from "../../src/routing/classifier/file-paths";
import { TASK_CONCEPTS, detectConcepts, detectLatestConcepts } from "../../src/routing/classifier/concepts";

const paths = (text: string) => {
  const found = new Set<string>();
  addPathsFrom(text, found);
  return [...found].sort();
};
const contextPaths = (context: string) => {
  const found = new Set<string>();
  addContextPaths(context, found);
  return [...found].sort();
};
const featuresOf = (messages: unknown[], extra: Record<string, unknown> = {}) => {
  const request = chatRequestSchema.parse({ model: "m", messages, ...extra });
  return computeFeatures(request, extractTaskText(request));
};

describe("file paths", () => {
  test("finds relative, absolute and line-numbered paths, once per file", () => {
    expect(paths("see src/server/app.ts:42:7 and /home/user/project/src/server/app.ts, then tests/app.test.ts.")).toEqual(["app.test.ts", "app.ts"]);
    expect(paths('File "billing/core/tax.py", line 13, in tax_for')).toEqual(["tax.py"]);
  });

  test("ignores library frames, URLs, versions and framework names", () => {
    expect(paths("at Object.<anonymous> (node_modules/express/lib/router.js:12:3)")).toEqual([]);
    expect(paths('File "/app/.venv/lib/python3.12/site-packages/flask/app.py", line 1473')).toEqual([]);
    expect(paths("see https://example.com/docs/setup.md, bump to 1.2.3, we use Node.js and Next.js")).toEqual([]);
  });

  test("reads attached files from every client's format", () => {
    expect(contextPaths("```ts src/utils/dates.ts\nexport {}\n```")).toEqual(["dates.ts"]);
    expect(contextPaths("```path=src/App.tsx, lines=1-40\nexport {}\n```")).toEqual(["App.tsx"]);
    expect(contextPaths("billing/core/invoice.py\n```\nclass Invoice: ...\n```\n\nbilling/core/tax.py\n```\nRATES = {}\n```")).toEqual(["invoice.py", "tax.py"]);
    expect(contextPaths('<file_content path="server/auth/session.ts">\n…\n</file_content>')).toEqual(["session.ts"]);
    expect(contextPaths('Called the Read tool with the following input: {"file_path":"/p/src/db/pool.ts"}')).toEqual(["pool.ts"]);
  });

  test("the closing fence of one file is not read as the header of another", () => {
    expect(contextPaths("```py a.py\nx = 1\n```\nnotes.md\n```py b.py\ny = 2\n```")).toEqual(["a.py", "b.py"]);
  });
});

describe("error signals", () => {
  test.each([
    ["python", 'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\nKeyError: "x"'],
    ["node", "TypeError: x is undefined\n    at handler (/srv/app/src/routes/orders.ts:31:9)\n    at Layer.handle (node_modules/express/lib/router/layer.js:95:5)"],
    ["java", 'Exception in thread "main" java.lang.NullPointerException\n\tat com.acme.Main.run(Main.java:12)'],
    ["go panic", "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()"],
    ["go race", "==================\nWARNING: DATA RACE\nRead at 0x00c0001a6030 by goroutine 23:"],
    ["rust", "thread 'main' panicked at src/main.rs:4:5:\nattempt to subtract with overflow"],
    ["vitest", "AssertionError: expected 1 to be 2\n ❯ tests/dates.test.ts:14:36"],
  ])("recognises a %s stack trace", (_name, trace) => {
    expect(hasStackTrace(`output:\n${trace}`)).toBe(true);
  });

  test("ordinary code and prose are not stack traces", () => {
    expect(hasStackTrace("export function at(index: number) {\n  return items.at(index);\n}\nmeet me at 10:30")).toBe(false);
  });

  test("tool errors from each client's result format", () => {
    expect(looksLikeToolError("<tool_use_error>String to replace not found in file.</tool_use_error>")).toBe(true);
    expect(looksLikeToolError("The tool execution failed with the following error:\n<error>\nSEARCH block does not match\n</error>")).toBe(true);
    expect(looksLikeToolError("Exit code 1\nnpm ERR! missing script: lint")).toBe(true);
    expect(looksLikeToolError(" FAIL  tests/a.test.ts > adds\n Tests  1 failed | 3 passed (4)")).toBe(true);
    expect(looksLikeToolError("src/a.ts(3,1): error TS2304: Cannot find name 'x'.")).toBe(true);
    expect(looksLikeToolError(`${"ok\n".repeat(2_000)}Error: Command failed with exit code 2`)).toBe(true);
  });

  test("successful output is not an error", () => {
    expect(looksLikeToolError(" ✓ tests/a.test.ts (4 tests) 12ms\n Test Files  1 passed (1)")).toBe(false);
    expect(looksLikeToolError("     1\texport function formatCents(cents: number) {\n     2\t  return String(cents);\n     3\t}")).toBe(false);
  });

  // Summary lines of green runs print their failure counts as zero: a count of none is no failure.
  test.each<[string, string, boolean]>([
    ["cargo test", "running 58 tests\n...\ntest result: ok. 58 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.84s", true],
    ["deno test", "ok | 12 passed | 0 failed (1s)", true],
    ["gradle", "> Task :billing:test\nbilling: 44 tests completed, 0 failed\n\nBUILD SUCCESSFUL in 41s\n17 actionable tasks: 17 executed", true],
    ["ctest", "100% tests passed, 0 tests failed out of 37\n\nTotal Test time (real) =  12.41 sec", true],
    ["ansible recap", "PLAY RECAP *********************************************************************\nweb-1 : ok=12 changed=3 unreachable=0 failed=0 skipped=2 rescued=0 ignored=0", true],
    ["ci summary", "Workflow CI finished: 6 jobs, 6 succeeded, 0 FAILED", true],
    ["lint summary", "Errors: 0, Warnings: 4 (see build/reports/lint.html)", false],
    ["rspec", "Finished in 1.32 seconds (files took 0.81 seconds to load)\n64 examples, 0 failures", true],
    ["maven", "[INFO] Tests run: 128, Failures: 0, Errors: 0, Skipped: 2\n[INFO] BUILD SUCCESS", false],
    // Green runs that print no zero count at all, unchanged.
    ["pytest", "tests/test_api.py ........                                    [100%]\n\n============================== 8 passed in 0.42s ===============================", true],
    ["jest", "Test Suites: 4 passed, 4 total\nTests:       31 passed, 31 total\nTime:        2.87 s", true],
    ["go test", "ok  \tgithub.com/acme/ledger\t0.412s\nok  \tgithub.com/acme/ledger/store\t0.208s", true],
    ["gh run view", "✓ main CI · 9876543210\nTriggered via push about 3 minutes ago\n\nJOBS\n✓ test in 1m12s (ID 111)\n✓ lint in 24s (ID 112)", true],
  ])("a green %s summary is no tool error", (_tool, output, green) => {
    expect(looksLikeToolError(output)).toBe(false);
    // Green where the green-run test reads a success ("passed", "succeeded", "BUILD SUCCESSFUL", "0 failed").
    expect(looksGreen(output)).toBe(green);
  });

  test.each([
    ["cargo test", "test result: FAILED. 57 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.91s"],
    ["deno test", "FAILED | 11 passed | 1 failed (1s)"],
    ["pytest", "FAILED tests/test_api.py::test_refund - AssertionError: assert 200 == 402\n==== 1 failed, 40 passed in 2.31s ===="],
    ["jest", "Tests:       2 failed, 30 passed, 32 total\nTime:        4.113 s"],
    ["go test", "--- FAIL: TestSettle (0.01s)\n    settle_test.go:41: got 99, want 100\nFAIL\nFAIL\tgithub.com/acme/ledger\t0.233s"],
    ["gradle", "billing: 44 tests completed, 2 failed\n\nFAILURE: Build failed with an exception."],
    ["ctest", "97% tests passed, 1 tests failed out of 37"],
    ["ansible recap", "db-1 : ok=4 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0"],
    ["zero beside a failure", "test result: FAILED. 0 passed; 3 failed; 0 ignored"],
    ["ci summary", "Workflow CI finished: 6 jobs, 5 succeeded, 1 FAILED"],
    ["lint summary", "Errors: 3, Warnings: 4 (see build/reports/lint.html)"],
    ["python", "  File \"report.py\", line 12, in <module>\n    print(totals[0])\nKeyError: 0"],
  ])("a failing %s summary is a tool error", (_tool, output) => {
    expect(looksLikeToolError(output)).toBe(true);
  });

  test("retry phrases", () => {
    expect(saysRetry("still failing with the same error")).toBe(true);
    expect(saysRetry("I already tried suppressHydrationWarning; neither helped")).toBe(true);
    expect(saysRetry("add a retry to the mailer")).toBe(false);
  });
});

describe("concepts", () => {
  test.each([
    ["security", "do a security review of the webhook handler"],
    ["concurrency", "two workers renew the same subscription twice; there is a race between them"],
    ["elusive", "the test fails intermittently on CI and I cannot reproduce it locally"],
    ["design", "propose an architecture for splitting the monolith, with trade-offs"],
    ["breadth", "migrate the API from Flask to FastAPI"],
    ["breadth", "refactor the routes to use the repository pattern"],
    ["performance", "GET /orders takes 4 s; profile it"],
    // Was "rename it everywhere" (breadth): the rubric calls renames one-line edits, economy.
    ["breadth", "update every call site of formatMoney across the codebase"],
    ["explain", "explain how the retry loop works"],
  ] as const)("%s: %s", (concept, text) => {
    expect(detectConcepts(text).has(concept)).toBe(true);
  });

  test("the latest turn's concepts: trivial edits, acknowledgements, look-ups", () => {
    expect(detectLatestConcepts("fix the typo in the README").has("trivial-edit")).toBe(true);
    expect(detectLatestConcepts("great, thanks!").has("acknowledgement")).toBe(true);
    expect(detectLatestConcepts("thanks! now add pagination to the list").has("acknowledgement")).toBe(false);
    expect(detectLatestConcepts("where do we set the default rate limit?").has("lookup")).toBe(true);
    expect(detectLatestConcepts("yes do it").has("go-ahead")).toBe(true);
  });

  test("memory retained in a heap is memory safety; users or data retained are not", () => {
    expect(detectConcepts("MAT shows the retained size of SessionCache climbing after every deploy").has("memory-safety")).toBe(true);
    expect(detectConcepts("the closures stay retained via the listeners array of the socket").has("memory-safety")).toBe(true);
    expect(detectConcepts("the snapshot diff shows 90k retained Session objects after an hour").has("memory-safety")).toBe(true);
    expect(detectConcepts("write a query for weekly cohort retention: cohort week, weeks since signup, retained users and their share").has("memory-safety")).toBe(false);
    expect(detectConcepts("audit logs must be retained for seven years under our data retention policy").has("memory-safety")).toBe(false);
  });

  test("strength counts distinct phrase groups of a concept", () => {
    expect(detectConcepts("this query is slow").get("performance")).toBe(1);
    expect(detectConcepts("it takes 40 minutes for 200k subscriptions; profile it and cut the p99 latency").get("performance")).toBe(3);
  });

  test("identifiers and tool names in pasted code are not concepts", () => {
    const found = detectConcepts('File "billing/api/webhooks.py", line 15, in verify_signature\n    parts = dict(item.split("=", 1))');
    expect(found.has("security")).toBe(false);
    expect(found.has("crypto")).toBe(false);
    expect(detectConcepts("how do I run the cart tests with the race detector?").has("concurrency")).toBe(false);
  });
});

describe("computeFeatures", () => {
  test("measures the human's words, not the tool's boilerplate", () => {
    const request = chatRequestSchema.parse({
      model: "m",
      messages: [
        { role: "system", content: "You are Cline.".padEnd(20_000, " lorem") },
        {
          role: "user",
          content: [
            { type: "text", text: "<task>\nfix the typo in src/components/TaskCard.tsx\n</task>" },
            { type: "text", text: `<environment_details>\n${"src/file-000.ts\n".repeat(500)}</environment_details>` },
          ],
        },
      ],
    });
    const text = extractTaskText(request);
    const { vector, facts } = computeFeatures(request, text);
    expect(facts.taskChars).toBeLessThan(60);
    expect(text.systemChars).toBe(20_000);
    expect(facts.files).toBe(1);
    expect(vector["latest:trivial-edit"]).toBe(1);
  });

  test("counts pasted code, tools offered and tool depth", () => {
    const tool = { type: "function", function: { name: "Read", parameters: {} } };
    const { vector, facts } = featuresOf(
      [
        { role: "user", content: "why does this loop forever?\n```ts\nwhile (i < n) {}\n```\nand this one\n```ts\nfor (;;) {}\n```" },
        { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "Read", arguments: '{"file_path":"/p/src/a.ts"}' } }] },
        { role: "tool", tool_call_id: "a", content: "export {}" },
      ],
      { tools: [tool, tool] },
    );
    expect(facts.codeChars).toBeGreaterThan(30);
    expect(vector["pasted-code"]).toBeGreaterThan(0);
    expect(vector.agent).toBe(1);
    expect(facts.toolDepth).toBe(1);
    expect(facts.files).toBe(1);
  });

  test("a short self-contained ask is plain; one with a snippet, files or a hard topic is not", () => {
    const plain = (content: string) => featuresOf([{ role: "user", content }]).vector["plain-short-ask"];
    expect(plain("how do I undo the last commit?")).toBe(1);
    expect(plain("regex to match a semver string")).toBe(1);
    expect(plain("what does ^(?=.*[A-Z])(?!.*(.)\\1{2})[\\w!@#]{12,64}$ do?")).toBe(0);
    expect(plain("why does src/db/pool.ts deadlock?")).toBe(0);
    expect(plain("is this thread-safe?")).toBe(0);
  });

  test("a follow-up inherits its task; an acknowledgement closes it", () => {
    const session = (latest: string) => [
      { role: "user", content: "customers are charged twice when the webhook and the sync worker race; find the race and fix it" },
      { role: "assistant", content: "The race is in markPaid: both read status before either writes. Lock the row with SELECT … FOR UPDATE?" },
      { role: "user", content: latest },
    ];
    expect(featuresOf(session("yes, do it")).vector["task:concurrency"]).toBeGreaterThan(0);
    expect(featuresOf(session("thanks, that worked!")).vector["task:concurrency"]).toBe(0);
    expect(featuresOf(session("thanks, that worked!")).vector["latest:acknowledgement"]).toBe(1);
  });

  test("a question the last tool result answers, and a run that came back green", () => {
    const call = { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "Bash", arguments: '{"command":"npm test"}' } }] };
    const lookup = featuresOf([{ role: "user", content: "which node version does CI use?" }, call, { role: "tool", tool_call_id: "a", content: "node-version: 20.x" }]);
    expect(lookup.vector["answered-by-tool"]).toBe(1);
    const green = featuresOf([{ role: "user", content: "run the tests and tell me if anything broke" }, call, { role: "tool", tool_call_id: "a", content: " Test Files  12 passed (12)\n      Tests  148 passed (148)" }]);
    expect(green.vector["green-run"]).toBe(1);
    const red = featuresOf([{ role: "user", content: "run the tests" }, call, { role: "tool", tool_call_id: "a", content: " FAIL tests/a.test.ts\n Tests  1 failed | 3 passed (4)" }]);
    expect(red.vector["green-run"]).toBe(0);
    expect(red.vector["tool-errors"]).toBeGreaterThan(0);
  });

  test("pasted machine output is neither the task's words nor its length", () => {
    const log = Array.from({ length: 60 }, (_, index) => `2026-11-30T14:10:${String(index).padStart(2, "0")}.000Z WARN [auth] token refresh failed for tenant ${index}, retrying`).join("\n");
    const { vector } = featuresOf([{ role: "user", content: `${log}\n\nwhich timezone are these timestamps in?` }]);
    expect(vector["pasted-output"]).toBeGreaterThan(1.5);
    expect(vector["task:security"]).toBe(0);
    expect(vector["short-latest"]).toBe(1);
    const hunk = Array.from({ length: 8 }, (_, index) => `@@ -${index * 10},3 +${index * 10},3 @@\n-  const usr = load(${index});\n+  const user = load(${index});\n   return usr;`).join("\n");
    const diff = featuresOf([{ role: "user", content: `one sentence for the PR description:\n\ndiff --git a/a.ts b/a.ts\n${hunk}` }]);
    expect(diff.vector["pasted-output"]).toBeGreaterThan(0);
    // A person's own paragraphs stay prose.
    const prose = featuresOf([{ role: "user", content: "We agreed the import order should follow isort's black profile.\nMost files already do this.\nJust reorder the imports in pricing.py, nothing else." }]);
    expect(prose.vector["pasted-output"]).toBe(0);
  });

  test("Cline feedback delivered as a native tool result is the human's latest turn", () => {
    const call = { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "attempt_completion", arguments: '{"result":"done"}' } }] };
    const { vector } = featuresOf([
      { role: "user", content: "<task>\nfix the race between the webhook and the sync worker\n</task>" },
      call,
      { role: "tool", tool_call_id: "a", content: "The user has provided feedback on the results.\n<feedback>\nworks, thanks!\n</feedback>" },
    ]);
    expect(vector["latest:acknowledgement"]).toBe(1);
    expect(vector["task:concurrency"]).toBe(0);
  });

  test("a polite request for work is work, not a question; a request to vet code is a review", () => {
    const polite = featuresOf([{ role: "user", content: "ImportCatalogTest fails since I added variants, can you fix the job?" }]).vector;
    expect(polite["work-request"]).toBe(1);
    expect(polite.question).toBe(0);
    for (const ask of ["anything wrong here?", "quick look before I merge?", "is this stripe webhook handler safe?", "review our JWT filter"]) {
      expect(featuresOf([{ role: "user", content: ask }]).vector["latest:review"]).toBe(1);
    }
    expect(featuresOf([{ role: "user", content: "add a --json flag to the stats command" }]).vector["latest:review"]).toBe(0);
  });

  test("every feature name is one the model has a weight for, and concept features name concepts", () => {
    expect(FEATURE_NAMES.filter((name) => name.startsWith("task:")) as string[]).toEqual(TASK_CONCEPTS.map((concept) => `task:${concept}`));
    expect(FEATURE_NAMES.filter((name) => name.startsWith("latest:")) as string[]).toEqual(LATEST_CONCEPTS.map((concept) => `latest:${concept}`));
  });
});
